"""The embedded llama.cpp server's own process: `python -m summarize.llama_server MODEL
--threads N --context N`.

It loads the GGUF model into llama.cpp's server (the `xllamacpp` wheel), listens on a free
loopback port, prints `READY <base url>` on one line of its standard output and then serves
until its standard input closes, which happens when the process that started it ends, however
it ends (even killed). (Not PR_SET_PDEATHSIG: that fires when the starting *thread* ends,
and a worker thread may end while its process goes on.) A separate process, so a crash inside
llama.cpp ends this process only, never the worker and the transcript it holds.
"""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--context", type=int, default=4096)
    args = parser.parse_args(argv)

    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.n_ctx = args.context
    params.n_parallel = 1  # one request at a time gets the whole context
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.hostnames = ["127.0.0.1"]  # loopback only, whatever the defaults become
    params.port = 0  # a free port, reported below
    params.use_jinja = True  # the model's own chat template
    server = xllamacpp.Server(params)
    address = server.listening_address
    print(f"READY {address}", flush=True)
    sys.stdin.read()  # until the parent closes the pipe or dies
    del server
    return 0


if __name__ == "__main__":
    sys.exit(main())
