"""Error pages (HTML in the site's style, JSON under /api/)."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lms.extensions import db


def _titles() -> dict[int, str]:
    return {
        400: _("Yêu cầu không hợp lệ"),
        401: _("Cần đăng nhập"),
        403: _("Không có quyền truy cập"),
        404: _("Không tìm thấy trang"),
        405: _("Phương thức không được hỗ trợ"),
        413: _("Tệp tải lên quá lớn"),
        429: _("Quá nhiều yêu cầu"),
        500: _("Đã có lỗi xảy ra"),
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
    }


def render_error(code: int, message: str | None = None):
    """Answer with the error page (or JSON for API clients) for HTTP status ``code``."""
    titles, messages = _titles(), _messages()
    title = titles.get(code, titles[500] if code >= 500 else titles[400])
    message = message or messages.get(code, title)
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": code, "title": title, "message": message}}), code
    return render_template("error.html", code=code, title=title, message=message), code


def register(app: Flask) -> None:
    """Install the handlers on ``app``."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        app.logger.warning("CSRF refused on %s: %s", request.path, error.description)
        return render_error(400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                                   "Vui lòng tải lại trang và gửi lại."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        if app.testing:  # let the test see the traceback instead of a friendly page
            raise error
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)
