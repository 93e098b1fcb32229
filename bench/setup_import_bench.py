"""Reference data the benchmark file refers to. Run: manage.py shell < bench/setup_import_bench.py"""

from putright.accounts.models import User
from putright.complaints.models import Category

for code, name in [
    ("repairs", "Repairs"),
    ("damp-mould", "Damp and mould"),
    ("asb", "ASB"),
    ("staff", "Staff conduct"),
]:
    Category.objects.get_or_create(code=code, defaults={"name": name})
for i in range(1, 21):
    User.objects.get_or_create(username=f"bench-h{i}", defaults={"role": User.Role.HANDLER})
