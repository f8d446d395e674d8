"""The WSGI entry point: ``gunicorn -w 4 wsgi:app``."""

import gc

from reuse_tracker import create_app

app = create_app()

# What building the application made (its models, mappers, routes, catalogues: ~124,000
# objects) lives as long as the worker. Frozen, Python's full collections no longer walk it:
# one cost a worker 70 ms, a pause in whichever request set it off (about one list page in
# 200; `benchmarks/pauses.py`: device list answers over 40 ms from 8-10 in 1,500 to 1).
gc.freeze()
