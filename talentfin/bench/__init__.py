"""The benchmark: ``flask --app talentfin bench`` (issue 4).

Seeds synthetic data into a scratch database, measures the review queue, dossier
rendering, the workflow engine and HTTP throughput, prints the figures next to their
targets and writes them as JSON. It names no product: what it seeds and measures of each
one comes from the product's benchmark profile (``Product.bench``, see
``talentfin.bench.profile``). Flask's CLI loads the command (a ``flask.commands`` entry
point in setup.cfg); a web process never imports this package.
"""

from talentfin.bench.command import bench_command

__all__ = ["bench_command"]
