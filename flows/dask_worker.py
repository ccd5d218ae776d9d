"""What a Dask worker loads once, before its first task: the batch flow's task (and
with it Prefect and the pipeline) and the NLP models. Named as a preload, so that no
task pays for it and every worker of a host shares one copy:

    dask worker tcp://scheduler:8786 --nworkers 2 --nthreads 1 --preload flows.dask_worker

The local cluster of `orders ingest --workers N` forks its workers from a process that
has loaded it (flows.ingest.task_runner).
"""
import importlib

from pipeline.stages import load_models

importlib.import_module("flows.ingest")  # the task, Prefect and the pipeline
load_models()
