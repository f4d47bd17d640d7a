"""store/: everything that touches the person's files: the review log and its drafts file,
worksheets, private atomic writes, locks, backups, rescue files, fault reports; one writer
thread. Code outside store/ imports from here only (tests/test_layers.py).

The face loads each module when one of its names is first used, so a start imports only
what it needs (tests/test_start_imports.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from powerdeck.faces import lazy_exports

if TYPE_CHECKING:
    from powerdeck.store.crash_report import report_fault as report_fault
    from powerdeck.store.export_file import store_files as store_files
    from powerdeck.store.export_file import write_private_file as write_private_file
    from powerdeck.store.locations import cache_dir as cache_dir
    from powerdeck.store.locations import data_dir as data_dir
    from powerdeck.store.locations import log_path as log_path
    from powerdeck.store.log import Log as Log
    from powerdeck.store.log import LogDamagedError as LogDamagedError
    from powerdeck.store.log_summary import FirstFrame as FirstFrame
    from powerdeck.store.log_summary import SummaryKeeper as SummaryKeeper
    from powerdeck.store.log_summary import open_log as open_log
    from powerdeck.store.log_worker import LogWorker as LogWorker
    from powerdeck.store.log_worker import StoreChange as StoreChange
    from powerdeck.store.org_files import organisation_tags as organisation_tags
    from powerdeck.store.org_files import placed_forms as placed_forms
    from powerdeck.store.org_files import read_form as read_form
    from powerdeck.store.org_files import shared_folders as shared_folders
    from powerdeck.store.path_checks import MAX_LOG_BYTES as MAX_LOG_BYTES
    from powerdeck.store.path_checks import SpecialFile as SpecialFile
    from powerdeck.store.path_checks import check_private_dir as check_private_dir
    from powerdeck.store.path_checks import open_regular as open_regular
    from powerdeck.store.path_checks import private_dir as private_dir
    from powerdeck.store.path_checks import read_bounded as read_bounded
    from powerdeck.store.path_checks import read_named_file as read_named_file
    from powerdeck.store.path_checks import read_regular as read_regular
    from powerdeck.store.private_write import write_private as write_private
    from powerdeck.store.rescue import UnsavedText as UnsavedText
    from powerdeck.store.rescue import merge_rescued as merge_rescued
    from powerdeck.store.rescue import note_for_next_start as note_for_next_start
    from powerdeck.store.rescue import parse_rescue as parse_rescue
    from powerdeck.store.rescue import set_fallback as set_fallback
    from powerdeck.store.rescue import take_notices as take_notices
    from powerdeck.store.rescue import write_rescue as write_rescue
    from powerdeck.store.workbook_files import free_path as free_path
    from powerdeck.store.workbook_files import write_new_private as write_new_private

_WHERE = {
    "cache_dir": "locations",
    "check_private_dir": "path_checks",
    "data_dir": "locations",
    "FirstFrame": "log_summary",
    "free_path": "workbook_files",
    "Log": "log",
    "log_path": "locations",
    "LogDamagedError": "log",
    "LogWorker": "log_worker",
    "MAX_LOG_BYTES": "path_checks",
    "merge_rescued": "rescue",
    "note_for_next_start": "rescue",
    "open_log": "log_summary",
    "open_regular": "path_checks",
    "organisation_tags": "org_files",
    "parse_rescue": "rescue",
    "placed_forms": "org_files",
    "private_dir": "path_checks",
    "read_bounded": "path_checks",
    "read_form": "org_files",
    "read_named_file": "path_checks",
    "read_regular": "path_checks",
    "report_fault": "crash_report",
    "set_fallback": "rescue",
    "shared_folders": "org_files",
    "SpecialFile": "path_checks",
    "store_files": "export_file",
    "StoreChange": "log_worker",
    "SummaryKeeper": "log_summary",
    "take_notices": "rescue",
    "UnsavedText": "rescue",
    "write_new_private": "workbook_files",
    "write_private": "private_write",
    "write_private_file": "export_file",
    "write_rescue": "rescue",
}
__all__ = sorted(_WHERE)

if not TYPE_CHECKING:
    __getattr__ = lazy_exports(__name__, _WHERE)
