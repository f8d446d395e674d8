"""Confirming a wave's proposal at scale: N families reserved in one transaction.

Run from the repository root, on a database made by ``benchmarks/generate.py``::

    python benchmarks/confirm_bench.py --database-url URL [--families N] [--repeat 3]

The generated programme has families waiting for its newest wave (a twentieth of them: 1,000 at
100,000 devices); ``--families N`` refers N more copies of existing families to it. Each run
times the proposal and its confirmation (``loans.services.confirm_proposal``: the proposal
recomputed, one reserve action a pair, the state summary written at the end), counts the
statements sent, and rolls everything back: the database is left as it was. Median of N runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reuse_tracker import create_app
from reuse_tracker.extensions import db
from reuse_tracker.loans import allocation, proposals, services
from reuse_tracker.loans.models import Wave

#: The columns a copied family keeps (its reference and wave are new).
COPIED = (
    "referral_source, referred_on, school_id, child_class, neighbourhood, needs_computer, "
    "needs_connection, needs_support, device_type, association_id, parent_name, phone, email, "
    "address, consent_on, consent_by_id, created_at, search_text"
)


def one_run(families: int) -> tuple[int, float, float, int]:
    """Refer the copies, propose, confirm, roll back: (pairs, proposal s, confirm s, statements)."""
    wave = db.session.scalars(sa.select(Wave).order_by(Wave.id.desc())).first()
    if families:
        db.session.execute(
            sa.text(
                f"INSERT INTO families (reference, wave_id, {COPIED}) "
                f"SELECT 'BENCH-' || id, :wave, {COPIED} FROM families ORDER BY id LIMIT :n"
            ),
            {"wave": wave.id, "n": families},
        )
    sent = []

    def count(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    try:
        started = time.perf_counter()
        proposal = proposals.proposal_for(wave.id)
        proposed = time.perf_counter()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        reserved = services.confirm_proposal(
            wave, allocation.fingerprint(wave.id, proposal.pairs), len(proposal.pairs), None
        )
        db.session.flush()
        confirmed = time.perf_counter()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
        db.session.rollback()
    return reserved, proposed - started, confirmed - proposed, len(sent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--families", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)
    app = create_app({"SQLALCHEMY_DATABASE_URI": options.database_url})
    with app.test_request_context():
        runs = [one_run(options.families) for _ in range(options.repeat)]
        database = db.engine.dialect.name
    pairs, statements = runs[0][0], runs[0][3]
    proposal = statistics.median(run[1] for run in runs)
    confirmation = statistics.median(run[2] for run in runs)
    print(
        f"{database}: proposal of {pairs:,} pairs {proposal * 1000:.0f} ms; confirmation "
        f"{confirmation:.2f} s ({confirmation * 1000 / max(pairs, 1):.2f} ms a reservation, "
        f"{statements:,} statements); median of {options.repeat}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
