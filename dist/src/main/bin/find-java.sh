# Sourced by Visage's launchers: exports JAVA_HOME pointing at a Java 21 or newer, or stops with a
# message saying how to get one. Order: $JAVA_HOME, the java on PATH, then /usr/lib/jvm/*.
# With VISAGE_NEED_JDK=1 (the build scripts) it also needs javac.

java_major() { # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}

visage_find_java() {
  local candidate major best="" best_major=0 what="Java"
  [ "${VISAGE_NEED_JDK:-0}" = 1 ] && what="JDK"
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
                   /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$candidate/bin/java" ] || continue
    [ "${VISAGE_NEED_JDK:-0}" = 1 ] && [ ! -x "$candidate/bin/javac" ] && continue
    major=$(java_major "$candidate/bin/java")
    [ -n "$major" ] && [ "$major" -ge 21 ] || continue
    # The first acceptable one wins when it was asked for explicitly; otherwise take the newest.
    if [ -n "${JAVA_HOME:-}" ] && [ "$candidate" = "$JAVA_HOME" ]; then best=$candidate; break; fi
    if [ "$major" -gt "$best_major" ]; then best=$candidate; best_major=$major; fi
  done
  if [ -z "$best" ]; then
    echo "Visage needs a $what 21 or newer and found none (looked at JAVA_HOME, the java on PATH and /usr/lib/jvm)." >&2
    echo "Install one (for example Debian's openjdk-21-jdk or a Temurin 21+ build) or set JAVA_HOME to it." >&2
    exit 1
  fi
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
}

visage_find_java
