# Sourced by the project's scripts: exports JAVA_HOME pointing at a JDK 21 or newer (the same search
# as the distribution's launchers, which need only a Java runtime), and checks that Maven is there.
VISAGE_NEED_JDK=1 source "$(dirname "${BASH_SOURCE[0]}")/../dist/src/main/bin/find-java.sh"
if ! command -v mvn >/dev/null 2>&1; then
  echo "Visage builds with Apache Maven 3.8 or newer, and 'mvn' is not on PATH. Install it (Debian: apt-get install maven)." >&2
  exit 1
fi
