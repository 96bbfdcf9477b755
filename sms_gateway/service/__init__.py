"""Use cases of the SMS gateway; other packages call these (and `schemas`), never the models."""
