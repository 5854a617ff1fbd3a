#!/bin/sh
# A dated backup of Oriel's database and keys, then deletes this script's own backups older than the
# retention (as Kasm's docs: Backup and Restore, a daily dump + find -delete, but consistent while Oriel runs).
# Run by oriel-backup.service on oriel-backup.timer, or from cron, e.g. /etc/cron.daily/oriel-backup:
#   #!/bin/sh
#   ORIEL_DATA_DIR=/opt/oriel/data exec /opt/oriel/deploy/oriel-backup.sh
# Settings: ORIEL_BACKUP_DIR (default /var/backups/oriel), ORIEL_BACKUP_KEEP_DAYS (default 30),
# ORIEL_HOME (default: the checkout this script is in), and Oriel's own ORIEL_DATA_DIR or DATABASE_URL.
set -eu
dir=${ORIEL_BACKUP_DIR:-/var/backups/oriel}
keep=${ORIEL_BACKUP_KEEP_DAYS:-30}
home=${ORIEL_HOME:-$(cd "$(dirname "$0")/.." && pwd)}
case $keep in
  '' | *[!0-9]*) echo "oriel-backup: ORIEL_BACKUP_KEEP_DAYS must be a whole number of days" >&2; exit 2 ;;
esac
# The files hold the keys to the encrypted columns: only their owner may read them.
umask 077
mkdir -p "$dir"
chmod 700 "$dir"
file="$dir/oriel-$(date -u +%Y%m%dT%H%M%SZ).backup"
cd "$home"
npm run --silent backup -- "$file"
# Only after a good backup (set -e), and only this script's own files; -mmin for whole days exactly.
find "$dir" -maxdepth 1 -type f \( -name 'oriel-*.backup' -o -name 'oriel-*.backup.partial' \) -mmin +$((keep * 1440)) -print -delete
