"""cli/: the command line: `powerdeck` starts the app (tui/launch.py); `cards`, `cloud`,
`export`, `import` and `repair` work without it."""

__all__ = [
    "cards",
    "cloud",
    "forms",
    "main",
    "repair",
    "transfer",
]
