"""WTForms forms, one module per domain, on a shared BaseForm; forms never write to the DB."""
