"""The Record, its validation and ids, and the readers and writers for it."""

from tadka.records.formats import FORMATS, detect_format
from tadka.records.readers import iter_rows, read_records
from tadka.records.schema import (
    DEFAULT_LANG,
    ROLES,
    SOURCE_KINDS,
    STATUSES,
    Record,
    record_id,
    validate_messages,
    validate_record,
)
from tadka.records.writers import ARROW_SCHEMA, from_table, to_dataset, to_table, write_records

__all__ = [
    "ARROW_SCHEMA",
    "DEFAULT_LANG",
    "FORMATS",
    "ROLES",
    "SOURCE_KINDS",
    "STATUSES",
    "Record",
    "detect_format",
    "from_table",
    "iter_rows",
    "read_records",
    "record_id",
    "to_dataset",
    "to_table",
    "validate_messages",
    "validate_record",
    "write_records",
]
