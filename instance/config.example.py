# Copy to instance/config.py and adjust. TALENTFIN_* environment variables override it.
# SECRET_KEY = "a long random string"   # generated into instance/secret_key when unset
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://talentfin@127.0.0.1:5432/talentfin"
# SESSION_COOKIE_SECURE = True           # keep True behind HTTPS
# PUBLIC_BASE_URL = "https://talentfin.example.cn"   # printed in dossier QR codes
# UPLOAD_FOLDER = "/var/lib/talentfin/uploads"
# DOSSIER_FOLDER = "/var/lib/talentfin/dossiers"
# UPLOAD_MAX_BYTES = 10 * 1024 * 1024
