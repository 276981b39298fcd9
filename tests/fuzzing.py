"""What the generated-input tests (``tests/core/test_fuzz*.py``) share: the Hypothesis
profiles (``default`` for ``make test``, ``fuzz`` for ``make fuzz``), the odd values people
and attackers type, and what a response may be."""

import os
import re

from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st

settings.register_profile("default", max_examples=15, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                 HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2500")),
                          deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                 HealthCheck.too_slow])
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
CASES = settings.get_profile(PROFILE)

# What people and attackers type: any text, numbers in every shape, control and bidi
# characters, digits of other scripts, very long strings.
ODD = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "0", "-1", "1e9", "١٢٣", "²", "9" * 30, "1,000,000.005",
                     "\x00", "\u202e12", "NaN", "inf", "2026-02-30", "0000-00-00",
                     "<script>x</script>", "' OR 1=1 --", "=cmd|' /C calc'!A0"]),
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)
# Strings the English WTForms and our own English messages (the fields' of
# ``talentfin.forms.base``, the page's) would show untranslated.
ENGLISH = re.compile(r"This field is required|Not a valid|Invalid Choice|could not be "
                     r"coerced|Field must be|Enter a whole number|must be at|Enter an "
                     r"amount|Enter the date as|Choose one of|Enter a positive rate|A rate "
                     r"is at most|cannot be in the future|Write the amount|is too large|"
                     r"Please correct", re.IGNORECASE)
# What a response to generated input may be: a page, a redirect or a refusal.
STATUSES = (200, 302, 400, 403, 404, 409, 422, 429)
