"""The project's errors, each mapped once: to an exit code in the CLI, to a status in the API."""


class CityKGError(Exception):
    """Base class: a problem the user can fix, with a message that names it."""

    exit_code = 2


class KnowledgeBaseError(CityKGError):
    """An entry of knowledge/ is wrong: the message names the file, the entry and the problem."""


class ValidationError(CityKGError):
    """The built graph does not conform to the SHACL shapes; ``report`` holds pySHACL's text."""

    exit_code = 1

    def __init__(self, message: str, report: str, focus_nodes: set | None = None,
                 failures: list[tuple] | None = None) -> None:
        super().__init__(message)
        self.report = report
        self.focus_nodes = focus_nodes or set()
        self.failures = failures or []  # (focus node, path or None, value or None, message)


class StoreError(CityKGError):
    """The store cannot be opened, written or reached."""


class QueryError(CityKGError):
    """A SPARQL query or a named query's parameters are wrong (HTTP 400)."""


class NotFoundError(CityKGError):
    """A named query, entity or file that does not exist (HTTP 404)."""


class QueryTimeoutError(QueryError):
    """A query ran longer than ``CITYKG_QUERY_TIMEOUT`` and was stopped (HTTP 422)."""


class ResultTooLargeError(QueryError):
    """A result larger than ``CITYKG_MAX_RESULT_BYTES`` (HTTP 422)."""


class ClientGoneError(CityKGError):
    """The client closed the connection; its work was stopped and nobody reads the answer."""


class ForbiddenError(CityKGError):
    """A write without the update token, or a request that would make the server fetch
    something from elsewhere on the user's behalf (SERVICE, LOAD) (HTTP 403)."""


class ReadOnlyStoreError(StoreError):
    """This store is not written by requests: it is rebuilt whole by ``citykg build`` (HTTP 501)."""


class BusyError(StoreError):
    """Every query worker is busy with another request (HTTP 503)."""


class NotAcceptableError(CityKGError):
    """None of the media types the client accepts can carry this answer (HTTP 406)."""


class UnsupportedMediaTypeError(CityKGError):
    """A request body in a media type or character set the endpoint does not read (HTTP 415)."""


class PayloadTooLargeError(CityKGError):
    """A request body above ``CITYKG_MAX_BODY_BYTES`` (HTTP 413)."""


class MethodNotAllowedError(CityKGError):
    """An HTTP method the resource does not take (HTTP 405)."""


class InvalidParameterError(QueryError):
    """A search or filter parameter whose value names nothing, is not allowed, or is malformed
    (HTTP 422). ``parameter`` is the parameter's name, ``value`` the value given, ``candidates``
    the entities it may have meant (``id``, ``name``, ``type``, ``label``), closest first."""

    def __init__(self, parameter: str, value: object, problem: str, candidates: list[dict] | None = None) -> None:
        self.parameter = parameter
        self.value = value
        self.problem = problem
        self.candidates = candidates or []
        super().__init__(f"parameter {parameter!r}: {problem}")

    def __reduce__(self):
        """Rebuilt whole when it crosses from a query worker's process to the server's."""
        return type(self), (self.parameter, self.value, self.problem, self.candidates)


class DecisionRefusedError(CityKGError):
    """A review decision that cannot be written: it would make the knowledge base invalid, or it
    names what is not there (HTTP 422). Nothing was written."""


class AmbiguousParameterError(InvalidParameterError):
    """A name that several entities fit equally well: ``candidates`` lists them (HTTP 422)."""
