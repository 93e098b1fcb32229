"""A category renamed on a seeded database: what saving it costs, and what each later batch
of its search rows costs (``complaints.services.categories``).

    DATABASE_URL=sqlite:////tmp/seed.sqlite3 python bench/category_rename.py --batches 30
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/putright_NAME_bench \\
        python bench/category_rename.py --batches 30

Seed first (`bench/seed.py --complaints N`, then `manage.py migrate`). Renames the category
with the most complaints as the admin does (``category_save``: the reindex's first batch in
the rename's transaction), then runs up to --batches more batches as the task does
(``_reindex_batch``), timing each (wall and this process's CPU; on PostgreSQL the server's
time is in the wall only) and counting its statements, and prints the estimate for the whole
category. `--whole` also times what a rename cost before: every row of the category written
in one transaction, as the admin's request would (``search.reindex``). Everything is rolled
back at the end: the database is left as it was.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")


class _RolledBack(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--whole", action="store_true", help="time it in one transaction too")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from putright.accounts.models import User
    from putright.complaints import search
    from putright.complaints.models import Category, CategoryReindex, Complaint
    from putright.complaints.services import categories

    actor = User.objects.filter(is_superuser=True).first() or User.objects.first()
    category = Category.objects.annotate(n=Count("complaints")).order_by("-n").first()
    batch = categories.REINDEX_BATCH
    print(f"{category.name}: {category.n:,} complaints; {batch} a batch ({connection.vendor})")
    try:
        with transaction.atomic():
            category.name = f"{category.name} (renamed)"
            wall, cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as first:
                reindex = categories.category_save(category=category, actor=actor)
            print(
                f"saving the rename (its first batch): {time.perf_counter() - wall:.2f} s "
                f"wall, {time.process_time() - cpu:.2f} s CPU, {len(first)} statements"
            )
            walls, cpus, statements = [], [], []
            for _ in range(args.batches):
                wall, cpu = time.perf_counter(), time.process_time()
                with CaptureQueriesContext(connection) as queries:
                    done, _written = categories._reindex_batch(reindex.pk)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
                statements.append(len(queries))
                if done:
                    break
            reindex = CategoryReindex.objects.get(pk=reindex.pk)
            batches = -(-category.n // batch)
            print(
                f"{len(walls)} more batches: {reindex.reindexed:,} rows written in all; a batch "
                f"p50 {statistics.median(walls):.3f} s wall (max {max(walls):.3f}), "
                f"{statistics.median(cpus):.3f} s CPU, {statistics.median(statements):.0f} "
                f"statements; about {batches:,} batches for the category: about "
                f"{batches * statistics.median(walls) / 60:.1f} min of work"
            )
            raise _RolledBack
    except _RolledBack:
        print("rolled back")
    if not args.whole:
        return
    try:
        with transaction.atomic():
            Category.objects.filter(pk=category.pk).update(name=f"{category.name} (whole)")
            ids = Complaint.objects.filter(category=category).values_list("pk", flat=True)
            wall, cpu = time.perf_counter(), time.process_time()
            written = search.reindex(ids)
            print(
                f"in one transaction: {written:,} rows, {time.perf_counter() - wall:.1f} s wall, "
                f"{time.process_time() - cpu:.1f} s CPU"
            )
            raise _RolledBack
    except _RolledBack:
        print("rolled back")


if __name__ == "__main__":
    main()
