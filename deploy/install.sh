#!/usr/bin/env bash
# Install the Cockpit on a fresh Debian machine with PostgreSQL (run as root from a checkout):
#   sudo deploy/install.sh [--server-name cockpit.example.org]
# Installs nginx and Python's venv, creates the system user `cockpit`, copies the code to /opt/cockpit
# with its own venv, creates the PostgreSQL role and database `cockpit` (random password), writes
# /etc/cockpit/cockpit.env with fresh random keys, migrates the database, makes a self-signed TLS
# certificate when none is there, and installs the systemd units. Running it again updates the code
# and the units and keeps keys, password and certificate. Then: sudo deploy/up N
set -euo pipefail
SERVER_NAME=$(hostname -f 2>/dev/null || hostname)
while [ $# -gt 0 ]; do
  case "$1" in
    --server-name) SERVER_NAME=$2; shift 2 ;;
    *) echo "Unbekannte Option: $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "Bitte als root ausführen (sudo deploy/install.sh)." >&2; exit 2; }
SRC=$(cd "$(dirname "$0")/.." && pwd)
APP=/opt/cockpit ENV_DIR=/etc/cockpit STATE=/var/lib/cockpit CERT_DIR=/etc/ssl/cockpit

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq nginx-light python3-venv openssl rsync curl >/dev/null
pg_isready -q || { echo "PostgreSQL läuft nicht (apt-get install postgresql; systemctl start postgresql)." >&2; exit 1; }

id cockpit >/dev/null 2>&1 || useradd --system --home-dir "$STATE" --shell /usr/sbin/nologin cockpit
install -d -o cockpit -g cockpit -m 0750 "$STATE" "$STATE/import" "$STATE/backup"
install -d -m 0755 "$APP"
rsync -a --delete --exclude .git --exclude .venv --exclude 'data/*.sqlite*' --exclude 'data/.*key' \
  --exclude tests/e2e/screenshots "$SRC/" "$APP/"
[ -x "$APP/.venv/bin/python" ] || python3 -m venv "$APP/.venv"
"$APP/.venv/bin/pip" install -q --upgrade pip
"$APP/.venv/bin/pip" install -q -r "$APP/requirements.txt"

# PostgreSQL role and database, with a random password kept in the environment file.
install -d -m 0750 -g cockpit "$ENV_DIR"
if [ ! -f "$ENV_DIR/cockpit.env" ]; then
  pw=$(openssl rand -hex 24)
  su postgres -c "psql -qAt -c \"SELECT 1 FROM pg_roles WHERE rolname='cockpit'\"" | grep -q 1 \
    && su postgres -c "psql -q -c \"ALTER ROLE cockpit LOGIN PASSWORD '$pw'\"" \
    || su postgres -c "psql -q -c \"CREATE ROLE cockpit LOGIN PASSWORD '$pw'\""
  su postgres -c "psql -qAt -c \"SELECT 1 FROM pg_database WHERE datname='cockpit'\"" | grep -q 1 \
    || su postgres -c "createdb -O cockpit cockpit"
  sed -e "s#^DATABASE_URL=.*#DATABASE_URL=postgresql+psycopg://cockpit:$pw@127.0.0.1:5432/cockpit#" \
      -e "s#^COOKIE_KEY=.*#COOKIE_KEY=$(openssl rand -hex 32)#" \
      -e "s#^LINK_SECRET=.*#LINK_SECRET=$(openssl rand -hex 32)#" \
      -e "s#^PUBLIC_BASE_URL=.*#PUBLIC_BASE_URL=https://$SERVER_NAME#" \
      "$APP/deploy/cockpit.env.example" > "$ENV_DIR/cockpit.env"
  chown root:cockpit "$ENV_DIR/cockpit.env"
  chmod 0640 "$ENV_DIR/cockpit.env"
fi
echo "$SERVER_NAME" > "$ENV_DIR/server_name"

# Migrate once here, so that N processes starting together do not race for it.
(cd "$APP" && set -a && . "$ENV_DIR/cockpit.env" && set +a && \
  runuser -u cockpit -- "$APP/.venv/bin/python" -c "from services.core.runtime import get_engine; from db.migrate import upgrade; upgrade(get_engine())")

if [ ! -f "$CERT_DIR/fullchain.pem" ]; then
  install -d -m 0750 "$CERT_DIR"
  openssl req -x509 -newkey rsa:3072 -nodes -days 365 -subj "/CN=$SERVER_NAME" \
    -keyout "$CERT_DIR/privkey.pem" -out "$CERT_DIR/fullchain.pem" 2>/dev/null
  echo "Selbstsigniertes Zertifikat in $CERT_DIR angelegt: ersetze es durch ein echtes (z. B. certbot)."
fi

install -m 0644 "$APP"/deploy/systemd/cockpit* /etc/systemd/system/
systemctl daemon-reload
rm -f /etc/nginx/sites-enabled/default  # the proxy answers on 80 and 443 itself
echo "Installiert. Weiter mit: sudo deploy/up 2   (erstes Admin-Konto: sudo -u cockpit $APP/.venv/bin/python -m scripts.create_admin)"
