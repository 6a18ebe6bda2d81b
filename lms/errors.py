"""Error pages (HTML in the site's style, JSON under /api/), and what happens to the request's work.

Every error rolls the request's transaction back (``lms.transactions``). When the database
cannot be reached the answer is a 503 with ``Retry-After``, on a page that needs no database
(the exam page's script keeps its unsent answers and tries again).
"""
from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms.transactions import roll_back_request

RETRY_AFTER_SECONDS = 30


def _titles() -> dict[int, str]:
    return {
        400: _("Yêu cầu không hợp lệ"),
        401: _("Cần đăng nhập"),
        403: _("Không có quyền truy cập"),
        404: _("Không tìm thấy trang"),
        405: _("Phương thức không được hỗ trợ"),
        409: _("Dữ liệu đã thay đổi"),
        410: _("Không còn nhận"),
        413: _("Tệp tải lên quá lớn"),
        429: _("Quá nhiều yêu cầu"),
        500: _("Đã có lỗi xảy ra"),
        503: _("Hệ thống tạm thời gián đoạn"),
    }


def _messages() -> dict[int, str]:
    return {
        400: _("Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra và thử lại."),
        401: _("Vui lòng đăng nhập để tiếp tục."),
        403: _("Tài khoản của bạn không có quyền xem trang này."),
        404: _("Trang bạn tìm không tồn tại hoặc đã được chuyển đi."),
        405: _("Thao tác này không được hỗ trợ tại địa chỉ này."),
        413: _("Tệp bạn gửi vượt quá dung lượng cho phép."),
        429: _("Bạn đã gửi quá nhiều yêu cầu. Vui lòng đợi một lát rồi thử lại."),
        500: _("Hệ thống gặp sự cố. Dữ liệu của bạn không bị mất; vui lòng thử lại sau ít phút."),
        503: _("Hệ thống đang tạm thời gián đoạn. Những gì đã lưu không bị mất; vui lòng thử lại sau ít phút."),
    }


def wants_json() -> bool:
    """API clients get JSON errors."""
    return request.path.startswith("/api/")


def render_error(code: int, message: str | None = None, *, error_code: str | None = None):
    """Answer with the error page (or JSON for API clients) for HTTP status ``code``."""
    titles, messages = _titles(), _messages()
    title = titles.get(code, titles[500] if code >= 500 else titles[400])
    message = message or messages.get(code, title)
    if wants_json():
        body = {"status": code, "title": title, "message": message}
        if error_code:
            body["code"] = error_code
        return jsonify({"error": body}), code
    if code >= 500:
        # A server-side failure must not depend on what failed: the plain page is rendered
        # without the context processors (Flask-Login's loads the account from the database).
        from flask import current_app

        from lms.main import site_globals

        page = current_app.jinja_env.get_template("error_plain.html")
        return page.render(code=code, title=title, message=message, **site_globals()), code
    return render_template("error.html", code=code, title=title, message=message), code


def is_database_outage(error: BaseException | None) -> bool:
    """True for the errors of a database that cannot be reached or is too busy to answer now."""
    if isinstance(error, (OperationalError, DisconnectionError, PoolTimeoutError)):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def _unavailable():
    body, status = render_error(503)
    response = make_response(body, status)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    """Install the handlers on ``app``."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        roll_back_request()
        app.logger.warning("CSRF refused on %s: %s", request.path, error.description)
        return render_error(400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                                   "Vui lòng tải lại trang và gửi lại."), error_code="csrf")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        roll_back_request()
        if isinstance(error, InternalServerError) and is_database_outage(error.original_exception):
            app.logger.error("database unavailable on %s: %s", request.path, error.original_exception)
            return _unavailable()
        if error.code == 503:
            return _unavailable()
        return render_error(error.code or 500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(DisconnectionError)
    @app.errorhandler(PoolTimeoutError)
    def database_unavailable(error: Exception):
        roll_back_request()
        app.logger.error("database unavailable on %s: %s", request.path, error)
        return _unavailable()

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        roll_back_request()
        if is_database_outage(error):
            return _unavailable()
        if app.testing:  # let the test see the traceback instead of a friendly page
            raise error
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)
