"""The app starts, serves its pages with security headers, and the CLI works."""


def test_start_page_is_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "人才金融" in response.get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_workflows_check_passes(runner):
    result = runner.invoke(args=["workflows", "check"])
    assert result.exit_code == 0, result.output
    assert "loan: ok" in result.output
