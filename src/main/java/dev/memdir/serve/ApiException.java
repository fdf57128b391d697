package dev.memdir.serve;

/** A request that fails with an HTTP status and a message, answered as {@code {"detail": ...}}. */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  ApiException(int status, String detail) {
    super(detail);
    this.status = status;
  }

  int status() {
    return status;
  }

  static ApiException notFound(String what) {
    return new ApiException(404, what);
  }

  static ApiException invalid(String what) {
    return new ApiException(422, what);
  }

  /** 501: a Letta route or field this server does not support, named in the message. */
  static ApiException unsupported(String what) {
    return new ApiException(501, "not supported by memdir serve: " + what);
  }
}
