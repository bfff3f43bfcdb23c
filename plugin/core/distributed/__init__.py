"""Many scenes, or one huge scene, on a Dask cluster (dask.distributed): an existing scheduler or a LocalCluster.

cluster.py connects (and limits each worker's threads so that N workers do not oversubscribe the cores); scenes.py
runs whole scenes as tasks (run_scene on the workers, with retries); strips.py splits one scene into strips of rows
computed on the workers and written in order by the driver, bit for bit the single-process result. May import
plugin.core.batch, the task packages and the engine; dask is imported only here, and only when a run is distributed.
"""
