# Gijiroku for GPU servers. The base is CUDA 12 + cuDNN 9: what ctranslate2's wheel (faster-whisper)
# links against (libcublas.so.12, libcudnn 9). PyTorch (pyannote) brings its own CUDA libraries.
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ffmpeg curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/venv

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY gijiroku ./gijiroku
COPY transcribe ./transcribe
COPY diarize ./diarize
COPY summarize ./summarize
COPY api ./api
COPY web ./web
# the offline starter diarization model is fetched at build time, never at run time
RUN pip install . && gijiroku models fetch-starter

# Volumes: recordings and results, models downloaded once, the IC-recorder share.
ENV GIJIROKU_DATA_DIR=/data \
    GIJIROKU_MODELS_DIR=/models
VOLUME ["/data", "/models"]
EXPOSE 8000
CMD ["gijiroku", "serve", "--host", "0.0.0.0", "--port", "8000"]
