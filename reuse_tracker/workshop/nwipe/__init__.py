"""Read the log nwipe (and ShredOS, which runs it) writes, into one record per wiped disk.

Pure package: no Flask, no database. It reads every release from 0.17 to 0.42, whose logs
differ (checked against real runs of each release, tests/workshop/data/nwipe/):
- 0.17-0.28 write ``[YYYY/MM/DD HH:MM:SS] nwipe: notice: ...`` and no summary: a disk is erased
  when its last round and its blanking finished, before ``Nwipe exited.`` (0.17-0.26) or
  ``Nwipe successfully exited.`` (0.27-0.28), with no error line; 0.17-0.25 log no options and no
  model, 0.26-0.28 add ``Found drive model="...", ..., serial number="..."``; a user abort leaves
  a log that just stops (0.17-0.26) or says ``Program interrupted`` (0.27-0.28);
- 0.30 drops the ``nwipe:`` prefix, logs its options (``banner   = nwipe 0.30``, ``method``,
  ``rounds``, ``verify   = 1 (last pass)``) and ``Found /dev/sda, ..., S/N=...``, and ends each
  run with the "Drive Status" table, untitled, closed by ``[time] Total Throughput ...``;
- 0.31 adds the titles and an "Error Summary" table (two counts, three from 0.32);
- 0.41 adds the "Erasure Summary" table: bytes erased, bytes total, percentage.

A log may hold several runs (nwipe appends): the latest record of each disk wins.
"""

from reuse_tracker.workshop.nwipe.methods import METHODS, VERIFY_ONLY
from reuse_tracker.workshop.nwipe.model import NwipeLogError, NwipeReport, WipedDisk
from reuse_tracker.workshop.nwipe.reader import parse

__all__ = ["METHODS", "VERIFY_ONLY", "NwipeLogError", "NwipeReport", "WipedDisk", "parse"]
