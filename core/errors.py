"""The few exception types of Cable QA; each docstring states where it is caught."""


class CableQAError(Exception):
    """Base of every error the project raises on purpose; the message tells the user what to do."""


class UnreadableCable(CableQAError):
    """A file or row holds no cable we can read. Ingest records it with its reason and goes on."""


class StoreError(CableQAError):
    """The store cannot be opened or written. Fatal for the command that hit it; the message names
    the data directory or server URL to check."""


class ModelError(CableQAError):
    """A model file or package is missing or fails its checksum. The message names the package to install."""
