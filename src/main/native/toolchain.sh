#!/usr/bin/env bash
# toolchain.sh - assemble as much of a GraalVM 25 `native-image` builder as the package
# registries allow (Maven Central jars + Debian packages + the installed Temurin 25 JDK),
# plus files this script writes itself. Nothing here downloads from anywhere else, and
# nothing here builds fetched OpenJDK/GraalVM sources.
#
# What it CAN assemble (steps 1-6): a JDK-25 home laid out like Mandrel/GraalVM
# (lib/svm/builder, lib/jvmci, lib/truffle), the image builder running on Temurin 25's
# JVMCI, a `native-image` launcher, the build-reporter JNI helper and the C headers the
# builder's C-annotation processor needs. With those, `native-image` runs class
# initialization, points-to analysis and AOT compilation and writes the relocatable
# object file (hello.o) - see `--verify`.
#
# What it CANNOT assemble (no registry carries them; step 7 prints the status):
#   lib/static/linux-amd64/glibc/{libjava,libnio,libnet,libzip,...}.a  (OpenJDK static JNI libs)
#   lib/svm/clibraries/linux-amd64/glibc/{liblibchelper,libjvm,libsvm_container}.a (SVM C libs)
#   lib/graalvm/svm-driver.jar (+ lib/svm/library-support.jar)        (full native-image driver)
# They can be imported from a Mandrel / GraalVM CE 25.0.x distribution with
# STATIC_LIBS_DIR=, CLIBRARIES_DIR=, DRIVER_JAR=, LIBRARY_SUPPORT_JAR= (see step 6).
#
# Usage: toolchain.sh [--verify] [--clean]
# Env:   OUT (default: ~/.cache/otp-native-toolchain)   GRAAL_VERSION (default 25.0.2)
#        TEMURIN_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64)   MVN (default: the project's mvnw)
#        NI_VENDOR_VERSION (label printed by `native-image --version`)
# Idempotent: each step checks a stamp/its output first. Bounded: every external command
# runs under `timeout`.
set -euo pipefail

VERIFY=0; CLEAN=0
for a in "$@"; do
  case "$a" in
    --verify) VERIFY=1 ;;
    --clean) CLEAN=1 ;;
    -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done

GRAAL_VERSION=${GRAAL_VERSION:-25.0.2}
TEMURIN_HOME=${TEMURIN_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
# outside the repository by default: the assembled JDK copy is about 600 MB
OUT=$(mkdir -p "${OUT:-$HOME/.cache/otp-native-toolchain}" && cd "${OUT:-$HOME/.cache/otp-native-toolchain}" && pwd)
MVN=${MVN:-$(cd "$(dirname "$0")/../../.." && pwd)/mvnw}
GH="$OUT/graalvm-home"            # the assembled builder (GRAALVM_HOME)
JARS="$OUT/jars-$GRAAL_VERSION"
PLAT=linux-amd64
step() { printf '\n==> [%s] %s\n' "$1" "$2"; }
info() { printf '    %s\n' "$*"; }

[ "$CLEAN" = 1 ] && { step clean "removing $OUT"; rm -rf "$OUT"; mkdir -p "$OUT"; }

# ---------------------------------------------------------------------------------------
step 0 "prerequisites"
[ -x "$TEMURIN_HOME/bin/java" ] || { echo "no JDK at $TEMURIN_HOME" >&2; exit 1; }
JV=$("$TEMURIN_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.version = /{print $2}')
case "$JV" in 25*) info "JDK $JV at $TEMURIN_HOME";; *) echo "need a JDK 25, found $JV" >&2; exit 1;; esac
"$TEMURIN_HOME/bin/java" --describe-module jdk.internal.vm.ci >/dev/null 2>&1 \
  || { echo "JDK lacks module jdk.internal.vm.ci (JVMCI); the builder cannot run on it" >&2; exit 1; }
info "JVMCI module jdk.internal.vm.ci present (enabled with -XX:+EnableJVMCI)"
command -v gcc >/dev/null || { echo "gcc missing (apt-get install gcc)" >&2; exit 1; }
if [ ! -e /usr/include/zlib.h ]; then
  if [ "$(id -u)" = 0 ]; then info "installing zlib1g-dev (Debian)"; timeout 600 apt-get install -y -q zlib1g-dev >/dev/null
  else echo "zlib1g-dev missing (the image links -lz)" >&2; exit 1; fi
fi
info "gcc $(gcc -dumpfullversion), zlib headers present"
command -v "$MVN" >/dev/null || { echo "Maven not found (set MVN=/path/to/mvnw)" >&2; exit 1; }

# ---------------------------------------------------------------------------------------
step 1 "resolve org.graalvm.nativeimage:svm:$GRAAL_VERSION and its dependencies from Maven Central"
if [ -f "$JARS/.stamp" ]; then
  info "already resolved: $JARS"
else
  mkdir -p "$OUT/resolve"
  cat > "$OUT/resolve/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.toolchain</groupId><artifactId>svm-resolve</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.graalvm.nativeimage</groupId><artifactId>svm</artifactId><version>$GRAAL_VERSION</version></dependency>
  </dependencies>
</project>
EOF
  JAVA_HOME="$TEMURIN_HOME" timeout 900 "$MVN" -B -q -f "$OUT/resolve/pom.xml" \
    dependency:copy-dependencies -DoutputDirectory="$JARS" -Dmdep.stripVersion=true
  touch "$JARS/.stamp"
fi
ls "$JARS" | sed 's/^/    /'

# ---------------------------------------------------------------------------------------
step 2 "lay out a Mandrel-style home at $GH (copy of $TEMURIN_HOME + builder jars)"
if [ ! -f "$GH/.toolchain-stamp" ]; then
  rm -rf "$GH"; cp -a "$TEMURIN_HOME" "$GH"    # a copy, not symlinks: java.home must be this dir
  touch "$GH/.toolchain-stamp"
fi
mkdir -p "$GH/lib/svm/builder/lib" "$GH/lib/jvmci" "$GH/lib/truffle" "$GH/lib/svm/bin" \
         "$GH/lib/svm/clibraries/$PLAT/glibc" "$GH/lib/svm/clibraries/$PLAT/include" "$GH/lib/static/$PLAT/glibc"
for j in svm pointsto objectfile native-image-base svm-capnproto-runtime svm-configure espresso-svm; do
  cp -u "$JARS/$j.jar" "$GH/lib/svm/builder/$j.jar"
done
cp -u "$JARS/compiler.jar" "$GH/lib/jvmci/graal.jar"          # upgrades the JDK's empty jdk.graal.compiler
for j in word collections nativeimage nativeimage-libgraal; do cp -u "$JARS/$j.jar" "$GH/lib/jvmci/$j.jar"; done
cp -u "$JARS/truffle-compiler.jar" "$GH/lib/truffle/truffle-compiler.jar"
info "builder jars: $(ls "$GH/lib/svm/builder" | grep -c jar) in lib/svm/builder, $(ls "$GH/lib/jvmci" | wc -l) in lib/jvmci"

# ---------------------------------------------------------------------------------------
step 3 "write + compile the build-reporter JNI helper (lib/svm/builder/lib/libreporterchelper.so)"
SRC="$OUT/src"; mkdir -p "$SRC"
cat > "$SRC/reporterchelper.c" <<'EOF'
/* Written by toolchain.sh from the native method signatures of
 * com.oracle.svm.hosted.ProgressReporterCHelper (svm.jar): peak RSS and terminal width. */
#include <jni.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <unistd.h>
JNIEXPORT jlong JNICALL Java_com_oracle_svm_hosted_ProgressReporterCHelper_getPeakRSS0(JNIEnv *env, jclass c) {
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return -1;
    return (jlong) ru.ru_maxrss * 1024; /* Linux reports KiB */
}
JNIEXPORT jint JNICALL Java_com_oracle_svm_hosted_ProgressReporterCHelper_getTerminalWindowColumns0(JNIEnv *env, jclass c) {
    struct winsize w;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
    return 80;
}
EOF
LIBR="$GH/lib/svm/builder/lib/libreporterchelper.so"
if [ ! -f "$LIBR" ] || [ "$SRC/reporterchelper.c" -nt "$LIBR" ]; then
  timeout 120 gcc -O2 -Wall -shared -fPIC -I"$GH/include" -I"$GH/include/linux" -o "$LIBR" "$SRC/reporterchelper.c"
fi
info "$LIBR"

# ---------------------------------------------------------------------------------------
step 4 "generate the C headers the C-annotation processor needs, from svm.jar's @CStruct/@CField metadata"
cat > "$SRC/GenHeaders.java" <<'EOF'
// Writes include/{amd64,aarch64,riscv64}cpufeatures.h and include/svm_locale.h from the
// @CStruct/@CField/@CConstant declarations in svm.jar (struct layout is what the Java side reads).
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.*;
import java.util.*;

public class GenHeaders {
    static Object attr(Annotation a, String name) throws Exception { return a.annotationType().getMethod(name).invoke(a); }
    static String ctype(Class<?> t) {
        String n = t.getName();
        if (t == boolean.class || t == byte.class) return "char";
        if (t == short.class) return "short";
        if (t == int.class) return "int";
        if (t == long.class) return "long long";
        if (n.endsWith("CCharPointer")) return "char *";
        if (n.endsWith("Pointer") || n.endsWith("WordBase") || n.endsWith("Word")) return "void *";
        throw new IllegalArgumentException("unmapped type " + n);
    }
    @SuppressWarnings("unchecked")
    static Class<? extends Annotation> ann(ClassLoader cl, String n) throws Exception { return (Class<? extends Annotation>) cl.loadClass(n); }
    public static void main(String[] a) throws Exception {
        Path out = Paths.get(a[0]);
        List<URL> urls = new ArrayList<>();
        for (int i = 1; i < a.length; i++) urls.add(Paths.get(a[i]).toUri().toURL());
        ClassLoader cl = new URLClassLoader(urls.toArray(URL[]::new), GenHeaders.class.getClassLoader());
        var cStruct = ann(cl, "org.graalvm.nativeimage.c.struct.CStruct");
        var cField = ann(cl, "org.graalvm.nativeimage.c.struct.CField");
        var cConst = ann(cl, "org.graalvm.nativeimage.c.constant.CConstant");
        String[][] jobs = {
            {"amd64cpufeatures.h", "com.oracle.svm.core.amd64.AMD64LibCHelper$CPUFeatures"},
            {"aarch64cpufeatures.h", "com.oracle.svm.core.aarch64.AArch64LibCHelper$CPUFeatures"},
            {"riscv64cpufeatures.h", "com.oracle.svm.core.riscv64.RISCV64LibCHelper$CPUFeatures"},
            {"svm_locale.h", "com.oracle.svm.core.c.locale.LocaleCHelper$LocaleProps", "com.oracle.svm.core.c.locale.LocaleCHelper"},
        };
        Files.createDirectories(out);
        for (String[] job : jobs) {
            String guard = "GEN_" + job[0].replace('.', '_').toUpperCase(Locale.ROOT);
            StringBuilder sb = new StringBuilder("/* generated by toolchain.sh (GenHeaders) from svm.jar metadata */\n#ifndef " + guard + "\n#define " + guard + "\n");
            for (int j = 1; j < job.length; j++) {
                Class<?> c = Class.forName(job[j], false, cl);
                Annotation s = c.getAnnotation(cStruct);
                if (s != null) {
                    String name = (String) attr(s, "value");
                    if (name.isEmpty()) name = c.getSimpleName();   // @CStruct default: the interface name
                    boolean kw = (Boolean) attr(s, "addStructKeyword");
                    Map<String, String> fields = new TreeMap<>();
                    for (Method m : c.getDeclaredMethods()) {
                        Annotation f = m.getAnnotation(cField);
                        if (f == null || m.getParameterCount() != 0) continue;
                        String fn = (String) attr(f, "value");
                        fields.put(fn.isEmpty() ? m.getName() : fn, ctype(m.getReturnType()));
                    }
                    sb.append(kw ? "struct " + name + " {\n" : "typedef struct {\n");
                    fields.forEach((k, v) -> sb.append("  ").append(v).append(' ').append(k).append(";\n"));
                    sb.append(kw ? "};\n" : "} " + name + ";\n");
                }
                int k = 0;
                for (Method m : c.getDeclaredMethods())
                    if (m.getAnnotation(cConst) != null) sb.append("#define ").append(m.getName()).append(' ').append(k++).append('\n');
            }
            Files.writeString(out.resolve(job[0]), sb.append("#endif\n").toString());
            System.out.println("    wrote " + out.resolve(job[0]));
        }
    }
}
EOF
INC="$GH/lib/svm/clibraries/$PLAT/include"
if [ ! -f "$INC/amd64cpufeatures.h" ] || [ "$SRC/GenHeaders.java" -nt "$INC/amd64cpufeatures.h" ]; then
  timeout 300 "$GH/bin/java" "$SRC/GenHeaders.java" "$INC" \
    "$JARS/nativeimage.jar" "$JARS/word.jar" "$JARS/svm.jar" "$JARS/native-image-base.jar" "$JARS/collections.jar" "$JARS/compiler.jar"
else
  info "headers present in $INC"
fi

# ---------------------------------------------------------------------------------------
step 5 "write the native-image launcher (lib/svm/bin/native-image, bin/native-image)"
# JDK-internal packages the builder needs: every concealed/qualified package of the modules
# it reads, exported+opened to the builder modules (computed from this JDK, not hard-coded).
TARGETS=jdk.graal.compiler,org.graalvm.nativeimage.builder,org.graalvm.nativeimage.pointsto,org.graalvm.nativeimage.base,org.graalvm.nativeimage.objectfile,org.graalvm.nativeimage.configure,org.graalvm.truffle.compiler,org.graalvm.nativeimage.libgraal,org.graalvm.espresso.shared.svm,org.graalvm.nativeimage.driver,ALL-UNNAMED
EXP="$GH/lib/svm/bin/builder-exports.args"
if [ ! -s "$EXP" ]; then
  for m in java.base java.management jdk.internal.vm.ci jdk.jfr jdk.management java.compiler jdk.zipfs \
           java.instrument jdk.internal.jvmstat java.xml java.desktop java.logging java.naming java.rmi jdk.net \
           jdk.unsupported jdk.httpserver java.security.jgss jdk.crypto.cryptoki; do
    "$GH/bin/java" --describe-module "$m" | awk -v m="$m" -v t="$TARGETS" \
      '$1=="contains"||$1=="qualified"{p=($1=="qualified")?$3:$2; print "--add-exports=" m "/" p "=" t; print "--add-opens=" m "/" p "=" t}'
  done > "$EXP"
fi
info "$(wc -l < "$EXP") --add-exports/--add-opens lines in $EXP"
cat > "$GH/lib/svm/bin/native-image" <<'LAUNCHER'
#!/usr/bin/env bash
# native-image launcher written by toolchain.sh.
# If lib/graalvm/svm-driver.jar exists (imported from a GraalVM/Mandrel 25 distribution) the
# real driver runs. Otherwise a minimal translation of the common driver options feeds the
# image builder (com.oracle.svm.hosted.NativeImageGeneratorRunner) directly. The minimal path
# does NOT read META-INF/native-image/**/native-image.properties from the class path.
set -euo pipefail
H="$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd)"
JAVA="$H/bin/java"
VV="${NI_VENDOR_VERSION:-@VENDOR_VERSION@}"
MP=$(ls "$H"/lib/svm/builder/*.jar "$H"/lib/jvmci/{word,collections,nativeimage,nativeimage-libgraal}.jar "$H/lib/truffle/truffle-compiler.jar" | paste -sd:)
COMMON=( -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -XX:-UseJVMCICompiler
  -Dorg.graalvm.version=@GRAAL_VERSION@ "-Dorg.graalvm.vendorversion=$VV" -Dorg.graalvm.vendor=registry-assembled -Dorg.graalvm.vendorurl=none
  @"$H/lib/svm/bin/builder-exports.args" )
if [ -f "$H/lib/graalvm/svm-driver.jar" ]; then
  exec "$JAVA" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "${COMMON[@]}" \
    -Dorg.graalvm.launcher.shell=true "-Dorg.graalvm.launcher.executablename=$0" \
    --module-path "$MP:$H/lib/graalvm/svm-driver.jar" --upgrade-module-path "$H/lib/jvmci/graal.jar" \
    --module org.graalvm.nativeimage.driver/com.oracle.svm.driver.NativeImage "$@"
fi
if [ "${1:-}" = "--version" ]; then
  RV=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version = /{print $2}')
  V=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/ java.version = /{print $2}')
  D=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.version.date = /{print $2}')
  echo "native-image $V $D"
  echo "OpenJDK Runtime Environment $VV (build $RV)"
  echo "OpenJDK 64-Bit Server VM $VV (build $RV, mixed mode)"
  exit 0
fi
JOPTS=(); HOPTS=(); CP=""; POS=(); NAME=""
while [ $# -gt 0 ]; do
  a="$1"; shift
  case "$a" in
    -cp|-classpath|--class-path) CP="${CP:+$CP:}$1"; shift ;;
    -jar) CP="${CP:+$CP:}$1"; MC=$(unzip -p "$1" META-INF/MANIFEST.MF | tr -d '\r' | awk -F': ' '/^Main-Class:/{print $2}')
          [ -n "$MC" ] && HOPTS+=("-H:Class=$MC"); [ -z "$NAME" ] && NAME=$(basename "$1" .jar); shift ;;
    -o) NAME="$1"; shift ;;
    -J*) JOPTS+=("${a#-J}") ;;
    -H:*|-R:*) HOPTS+=("$a") ;;
    --no-fallback) HOPTS+=("-H:FallbackThreshold=0") ;;
    --features=*) HOPTS+=("-H:Features=${a#*=}") ;;
    --initialize-at-run-time=*) IFS=, read -ra L <<<"${a#*=}"; for x in "${L[@]}"; do HOPTS+=("-H:ClassInitialization=$x:run_time"); done ;;
    --initialize-at-build-time=*) IFS=, read -ra L <<<"${a#*=}"; for x in "${L[@]}"; do HOPTS+=("-H:ClassInitialization=$x:build_time"); done ;;
    --enable-url-protocols=*) HOPTS+=("-H:EnableURLProtocols=${a#*=}") ;;
    -march=*) HOPTS+=("-H:Microarchitecture=${a#*=}") ;;
    -O?) HOPTS+=("-H:Optimize=${a#-O}") ;;
    --static) HOPTS+=("-H:+StaticExecutable") ;;
    --shared) HOPTS+=("-H:+SharedLibrary") ;;
    --verbose|--silent) ;;
    -*) echo "native-image (registry-assembled, no svm-driver.jar): unsupported option $a" >&2; exit 2 ;;
    *) POS+=("$a") ;;
  esac
done
[ ${#POS[@]} -ge 1 ] && HOPTS+=("-H:Class=${POS[0]}") && [ -z "$NAME" ] && NAME=$(echo "${POS[0]}" | tr 'A-Z' 'a-z')
[ ${#POS[@]} -ge 2 ] && NAME="${POS[1]}"
[ -z "$CP" ] && CP="$PWD"
NATIVE_ACCESS=$(for j in ${MP//:/ }; do "$H/bin/jar" --describe-module --file="$j" | head -1 | cut -d' ' -f1 | sed 's/@.*//'; done | paste -sd,)
CLIB="$H/lib/svm/clibraries/linux-amd64/glibc,$H/lib/svm/clibraries/linux-amd64,$H/lib/svm/clibraries"
export USE_NATIVE_IMAGE_JAVA_PLATFORM_MODULE_SYSTEM=true
# shellcheck disable=SC2086
exec "$JAVA" -XX:+UseParallelGC "${COMMON[@]}" \
  -Dtruffle.TrustAllTruffleRuntimeProviders=true -Dtruffle.TruffleRuntime=com.oracle.truffle.api.impl.DefaultTruffleRuntime \
  -Dgraalvm.ForcePolyglotInvalid=true -Dgraalvm.locatorDisabled=true -Dsubstratevm.HostLibC=glibc \
  -Xss10m -Xmx"${NI_XMX:-6g}" -Djava.awt.headless=true -Dcom.oracle.graalvm.isaot=true \
  -Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader \
  -Dorg.graalvm.nativeimage.imagecode=buildtime -Xshare:off \
  --enable-native-access="$NATIVE_ACCESS" --add-modules=ALL-DEFAULT "${JOPTS[@]}" \
  --module-path "$MP" --upgrade-module-path "$H/lib/jvmci/graal.jar" \
  --module org.graalvm.nativeimage.builder/com.oracle.svm.hosted.NativeImageGeneratorRunner \
  -H:CLibraryPath="$CLIB" -imagecp "$CP" -H:Path="$PWD" -H:Name="${NAME:-image}" \
  -H:ImageBuildID="$(cat /proc/sys/kernel/random/uuid)" ${NATIVE_IMAGE_OPTIONS:-} "${HOPTS[@]}"
LAUNCHER
VV_DEFAULT=${NI_VENDOR_VERSION:-Mandrel-$GRAAL_VERSION.0-Final}
sed -i -e "s|@VENDOR_VERSION@|$VV_DEFAULT|" -e "s|@GRAAL_VERSION@|$GRAAL_VERSION|" "$GH/lib/svm/bin/native-image"
chmod +x "$GH/lib/svm/bin/native-image"
ln -sfn ../lib/svm/bin/native-image "$GH/bin/native-image"
info "$GH/bin/native-image -> lib/svm/bin/native-image (version label: $VV_DEFAULT)"

# ---------------------------------------------------------------------------------------
step 6 "import pieces from a GraalVM/Mandrel 25 distribution, if pointed at one"
imp() { # imp <src-dir-or-file> <dest-dir>
  [ -n "$1" ] || return 0
  [ -e "$1" ] || { echo "    $1 does not exist" >&2; return 1; }
  mkdir -p "$2"; cp -a "$1"/. "$2"/ 2>/dev/null || cp -a "$1" "$2"/; info "imported $1 -> $2"
}
imp "${STATIC_LIBS_DIR:-}" "$GH/lib/static/$PLAT/glibc"         # e.g. <mandrel>/lib/static/linux-amd64/glibc
imp "${CLIBRARIES_DIR:-}" "$GH/lib/svm/clibraries"              # e.g. <mandrel>/lib/svm/clibraries
[ -n "${DRIVER_JAR:-}" ] && { mkdir -p "$GH/lib/graalvm"; cp -a "$DRIVER_JAR" "$GH/lib/graalvm/svm-driver.jar"; info "imported driver $DRIVER_JAR"; }
[ -n "${LIBRARY_SUPPORT_JAR:-}" ] && { cp -a "$LIBRARY_SUPPORT_JAR" "$GH/lib/svm/library-support.jar"; info "imported $LIBRARY_SUPPORT_JAR"; }
[ -z "${STATIC_LIBS_DIR:-}${CLIBRARIES_DIR:-}${DRIVER_JAR:-}${LIBRARY_SUPPORT_JAR:-}" ] && info "nothing to import (STATIC_LIBS_DIR / CLIBRARIES_DIR / DRIVER_JAR / LIBRARY_SUPPORT_JAR unset)"

# ---------------------------------------------------------------------------------------
step 7 "status of the pieces a complete builder needs"
MISSING=0
chk() { if [ -e "$1" ]; then printf '    ok       %s\n' "${1#$GH/}"; else printf '    MISSING  %s   (%s)\n' "${1#$GH/}" "$2"; MISSING=$((MISSING+1)); fi; }
for l in java nio net zip extnet management_ext; do   # hello world needs the first four; otp-service also the last two
  chk "$GH/lib/static/$PLAT/glibc/lib$l.a" "OpenJDK static-libs bundle; not in Debian's openjdk-25 packages nor on Maven Central"
done
chk "$GH/lib/svm/clibraries/$PLAT/glibc/liblibchelper.a" "built from oracle/graal; Maven Central svm-hosted-native-linux-amd64 stops at 21.1.0"
chk "$GH/lib/svm/clibraries/$PLAT/glibc/libjvm.a" "SVM's JVM_* shim; same source as above"
chk "$GH/lib/svm/clibraries/$PLAT/glibc/libsvm_container.a" "SVM's cgroup support; same source as above"
chk "$GH/lib/graalvm/svm-driver.jar" "driver; not published to Maven Central for 25.x (last: 20.3.0)"
chk "$GH/lib/svm/library-support.jar" "not on Maven Central for 25.x (last: 22.3.1)"
for h in amd64cpufeatures.h aarch64cpufeatures.h riscv64cpufeatures.h svm_locale.h; do chk "$GH/lib/svm/clibraries/$PLAT/include/$h" "step 4"; done
echo; if [ "$MISSING" = 0 ]; then info "complete: export GRAALVM_HOME=$GH"; else info "$MISSING piece(s) missing: native executables cannot be linked yet (compile-only works: see --verify)"; fi

# ---------------------------------------------------------------------------------------
if [ "$VERIFY" = 1 ]; then
  step 8 "verify with a hello world (bounded to 15 min)"
  V="$OUT/verify"; rm -rf "$V"; mkdir -p "$V/classes"; cd "$V"
  cat > Hello.java <<'EOF'
public class Hello { public static void main(String[] a) { System.out.println("Hello from a registry-assembled native-image"); } }
EOF
  "$GH/bin/javac" -d classes Hello.java
  EXTRA=()
  if [ ! -f "$GH/lib/static/$PLAT/glibc/libjava.a" ] || [ ! -f "$GH/lib/svm/clibraries/$PLAT/glibc/liblibchelper.a" ]; then
    info "static libraries missing -> stopping after the relocatable object is written (-H:+ExitAfterRelocatableImageWrite)"
    EXTRA=(-H:+UnlockExperimentalVMOptions -H:+ExitAfterRelocatableImageWrite -H:TempDirectory="$V/tmp")
    mkdir -p "$V/tmp"
  fi
  set +e
  timeout 900 "$GH/bin/native-image" -cp classes "${EXTRA[@]}" Hello hello 2>&1 | grep -v '^WARNING: Unknown module' | tee build.log | grep -E '^\[[0-9]/8\]|Finished|Error|error:' 
  rc=${PIPESTATUS[0]}; set -e
  if [ -x "$V/hello" ]; then info "linked: $("$V/hello")"
  elif O=$(find "$V/tmp" -name 'hello.o' 2>/dev/null | head -1) && [ -n "$O" ]; then
    info "builder exit $rc; relocatable object written: $O ($(du -h "$O" | cut -f1))"
    info "undefined symbols it needs from the missing static libraries:"
    nm -u "$O" | awk '{print $2}' | grep -E '^(Java_|JNI_OnLoad_|JVM_|InitializeEncoding|SVM_|svm_|determineCPUFeatures|checkCPUFeatures|getThreadId|cSunMiscSignal)' | sort | paste -sd' ' | fold -w 110 | sed 's/^/      /'
  else info "builder exit $rc; see $V/build.log"; fi
fi
