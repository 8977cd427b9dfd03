#!/usr/bin/env bash
# Builds the host only when a source changed since its last build, and prints the path of the built Bank.Host.dll.
# Starting the built host takes a few seconds; 'dotnet run' would check the whole build on every start.
set -euo pipefail
cd "$(dirname "$0")/.."

out="src/Host/bin/Release/net10.0"
stamp="$out/.built"
changed() {
  [ ! -f "$stamp" ] || [ ! -f "$out/Bank.Host.dll" ] ||
    [ -n "$(find src Directory.Build.props Directory.Packages.props global.json -newer "$stamp" -type f \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)" ]
}
if changed; then
  dotnet build src/Host/Bank.Host.csproj -c Release -v quiet -nologo >&2
  touch "$stamp"
fi
echo "$out/Bank.Host.dll"
