"""Residents, their homes and tenancies: who complains, and about which home."""

from django.db import models


class Tenure(models.TextChoices):
    # The regulator's TSM split (CH01) counts low-cost rental and low-cost home ownership apart.
    LOW_COST_RENTAL = "lcra", "Low-cost rental"
    LOW_COST_HOME_OWNERSHIP = "lcho", "Low-cost home ownership"
    LEASEHOLD = "leasehold", "Leasehold"
    OTHER = "other", "Other"


class Property(models.Model):
    """A home the landlord owns or manages."""

    uprn = models.CharField("property reference", max_length=32, blank=True, db_index=True)
    address_line_1 = models.CharField(max_length=200)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10, db_index=True)
    block = models.CharField(max_length=100, blank=True, db_index=True)
    estate = models.CharField(max_length=100, blank=True, db_index=True)
    high_rise = models.BooleanField(
        default=False, help_text="18m+ or 7+ storeys: Building Safety Regulator route (policy 5.3)."
    )

    class Meta:
        verbose_name_plural = "properties"
        ordering = ["postcode", "address_line_1"]

    def __str__(self) -> str:
        return self.one_line

    @property
    def one_line(self) -> str:
        parts = [self.address_line_1, self.address_line_2, self.town, self.postcode]
        return ", ".join(p for p in parts if p)


class Resident(models.Model):
    """A person who complains: a tenant, leaseholder, shared owner or a non-customer."""

    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    home = models.ForeignKey(
        Property, null=True, blank=True, on_delete=models.SET_NULL, related_name="residents"
    )
    correspondence_address = models.TextField(
        blank=True, help_text="Only when letters should not go to the home address."
    )
    is_customer = models.BooleanField(
        default=True,
        help_text="Non-customers can complain too but may not reach the Ombudsman (policy 5.5).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A duplicate merged into another record keeps its row (so the merge can be reversed) and
    # points at the record that now holds its complaints and details.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["full_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def postal_address(self) -> str:
        if self.correspondence_address:
            return self.correspondence_address
        return self.home.one_line if self.home else ""


class Tenancy(models.Model):
    """A resident's tenancy or lease of a home, with its tenure type."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="tenancies")
    home = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="tenancies")
    tenure = models.CharField(max_length=16, choices=Tenure.choices)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "tenancies"
        ordering = ["-start_on"]
        # A resident's tenure on a day, the latest tenancy started by then (the reports'
        # tenure at receipt, reporting.selectors.stage_counts): one seek read backwards from
        # the index alone, no sort of the resident's tenancies per stage.
        indexes = [
            models.Index(fields=["resident", "start_on", "id", "tenure"], name="tenancy_tenure_on")
        ]

    def __str__(self) -> str:
        return f"{self.resident} – {self.home} ({self.get_tenure_display()})"


class ContactChannel(models.TextChoices):
    """How a resident wants letters to reach them: chosen by staff, never read from notes."""

    EMAIL = "email", "Email only (never by post)"
    POST = "post", "Post only (never by email)"
    BOTH = "both", "Email and post"
    PHONE = "phone", "Phone calls (letters by email if we have an address, else post)"


class Adjustment(models.Model):
    """A reasonable adjustment agreed with a resident (Code 5.10, Equality Act 2010)."""

    class Kind(models.TextChoices):
        LARGE_PRINT = "large_print", "Large print"
        EASY_READ = "easy_read", "Easy read"
        INTERPRETER = "interpreter", "Interpreter or translation"
        PREFERRED_CHANNEL = "preferred_channel", "Preferred way of contact"
        CALL_BACK_TIMES = "call_back_times", "Call-back times"
        BRAILLE = "braille", "Braille"
        BSL = "bsl", "British Sign Language"
        OTHER = "other", "Other"

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    # Only for PREFERRED_CHANNEL: the structured choice letters follow. The detail stays a
    # note; blank here on a preferred-channel adjustment means staff must choose (flagged).
    channel = models.CharField(max_length=8, choices=ContactChannel.choices, blank=True)
    consent_given = models.BooleanField(default=False)
    review_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    recorded_on = models.DateField(auto_now_add=True)

    class Meta:
        ordering = ["resident", "kind"]

    def __str__(self) -> str:
        label = self.get_kind_display()
        if self.channel:
            label = f"{label} – {self.get_channel_display()}"
        return f"{label}: {self.detail}".rstrip(": ")

    @property
    def channel_needs_choosing(self) -> bool:
        """A preferred-channel adjustment with no structured channel: letters cannot honour it."""
        return self.kind == self.Kind.PREFERRED_CHANNEL and not self.channel


class Vulnerability(models.Model):
    """A disclosed disability or risk, considered at triage (Code 5.10, 6.1)."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="vulnerabilities")
    description = models.CharField(max_length=300)
    is_disability = models.BooleanField(default=False)
    consent_given = models.BooleanField(default=False)
    review_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    recorded_on = models.DateField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "vulnerabilities"
        ordering = ["resident", "-recorded_on"]

    def __str__(self) -> str:
        return self.description


class Representative(models.Model):
    """Someone acting for a resident: relative, advocate, councillor, MP, solicitor (Code 3.6)."""

    class Relationship(models.TextChoices):
        RELATIVE = "relative", "Relative or friend"
        ADVOCATE = "advocate", "Advocate or support worker"
        COUNCILLOR = "councillor", "Councillor"
        MP = "mp", "Member of Parliament"
        SOLICITOR = "solicitor", "Solicitor or legal representative"
        OTHER = "other", "Other"

    class Scope(models.TextChoices):
        ALL_COMPLAINTS = "all", "All of the resident's complaints"
        ONE_COMPLAINT = "one", "One complaint only"

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="representatives")
    full_name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    postal_address = models.TextField(blank=True)
    # Authorisation (policy 5.4: the third-party authorisation form).
    form_received = models.BooleanField("authorisation form received", default=False)
    authorised_on = models.DateField(null=True, blank=True)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.ALL_COMPLAINTS)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="representatives",
        help_text="The one complaint covered, when the scope is one complaint.",
    )
    expires_on = models.DateField(null=True, blank=True)
    # Who letters go to: the representative where authorised, copied to the resident if asked.
    letters_to_representative = models.BooleanField(default=True)
    copy_to_resident = models.BooleanField(default=False)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resident", "full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_relationship_display()}) for {self.resident}"

    def is_authorised_on(self, day) -> bool:
        """Authorised on `day`: form received, dated, not expired, not ended."""
        return bool(
            self.form_received
            and self.authorised_on
            and self.authorised_on <= day
            and (self.expires_on is None or day <= self.expires_on)
            and (self.ended_on is None or day < self.ended_on)
        )

    def covers(self, complaint_id: int) -> bool:
        return self.scope == self.Scope.ALL_COMPLAINTS or self.complaint_id == complaint_id


class ContactRestriction(models.Model):
    """A restriction on how a resident may contact staff, for unacceptable behaviour (Code 5.14-5.15).

    A restriction changes how contact happens; it never stops a complaint being made or progressed.
    """

    class Restricts(models.TextChoices):
        SINGLE_POINT_OF_CONTACT = "single_contact", "One named point of contact"
        WRITTEN_ONLY = "written_only", "Written contact only"
        PHONE_TIMES = "phone_times", "Phone calls at set times only"
        NO_VISITS = "no_visits", "No unaccompanied visits"
        OTHER = "other", "Other"

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="contact_restrictions"
    )
    reason = models.TextField(help_text="The behaviour that led to the restriction.")
    evidence = models.TextField(help_text="Dates, incidents, recordings, witnesses.")
    restricts = models.CharField("what is restricted", max_length=16, choices=Restricts.choices)
    restriction_detail = models.CharField(max_length=300, blank=True)
    starts_on = models.DateField()
    review_on = models.DateField()
    proportionality = models.TextField(
        help_text="Why this is the least restrictive response that protects staff."
    )
    equality_act_considered = models.TextField(
        "Equality Act consideration",
        help_text="Whether a disability or other protected characteristic is involved and how "
        "any adjustment was considered.",
    )
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    last_reviewed_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resident", "-starts_on"]

    def __str__(self) -> str:
        return f"{self.get_restricts_display()} for {self.resident} from {self.starts_on}"

    @property
    def active(self) -> bool:
        return self.ended_on is None


class ResidentSearch(models.Model):
    """What the resident finder matches for one resident, normalised (see people/search.py).

    Written only by ``people/search.py`` (``reindex``, and ``index_new_rows`` for a new
    resident); the engine's word index over ``document`` (SQLite FTS5 table, PostgreSQL GIN)
    is made by this app's migration.
    """

    resident = models.OneToOneField(
        Resident, primary_key=True, on_delete=models.CASCADE, related_name="search_row"
    )
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    email = models.CharField(max_length=254, blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True, db_index=True)
    document = models.TextField(blank=True)

    class Meta:
        verbose_name = "resident search entry"
        verbose_name_plural = "resident search entries"

    def __str__(self) -> str:
        return f"search entry for resident {self.resident_id}"


class ResidentMerge(models.Model):
    """A duplicate resident record merged into the one kept, and what moved, so a correction
    can put exactly that back. Shown on both residents' pages."""

    kept = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="merges_away")
    reason = models.TextField()
    # {"app_label.Model.field": [ids moved], ...}
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField()
    reversed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged} merged into {self.kept}"

    @property
    def moved_count(self) -> int:
        return sum(len(ids) for ids in self.moved.values())
