"""Learned query router: registry, baselines, learned quality model, decision rule, metrics."""
from .base import (BaseRouter, CheapestRouter, OracleRouter, RandomRouter, StaticRouter,
                   StrongestRouter)
from .decide import decide
from .fit import fit_quality
from .learned import LearnedRouter, PromptEncoder, QualityModel
from .metrics import apgr, cpt, pgr, quality_cost_curve, routellm_curve, two_model_report
from .registry import ModelSpec, Registry, load_registry

__all__ = ["BaseRouter", "CheapestRouter", "OracleRouter", "RandomRouter", "StaticRouter",
           "StrongestRouter", "decide", "LearnedRouter", "PromptEncoder", "QualityModel",
           "fit_quality", "apgr", "cpt", "pgr", "quality_cost_curve", "routellm_curve",
           "two_model_report", "ModelSpec", "Registry", "load_registry"]
