"""Judge statistics and bias perturbations (the distilled judge itself is not built yet)."""
from .perturb import PERTURBATIONS, perturb_all
from .stats import (agreement, cohen_kappa, kendall, mann_whitney_p, permutation_p,
                    power_report, smallest_n, spearman)

__all__ = ["PERTURBATIONS", "perturb_all", "agreement", "cohen_kappa", "kendall",
           "mann_whitney_p", "permutation_p", "power_report", "smallest_n", "spearman"]
