#!/usr/bin/env bash
# The tree's declared style, checked: every C++ file as the root .clang-format has it, and the
# include boundaries between libraries (core/ depends on nothing of fleetgate's, storage/ only on
# core/, a *_internal.h header only inside its own folder). Exits non-zero naming each offence.
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
mapfile -t files < <(git ls-files '*.cc' '*.h' 2>/dev/null || find . -name '*.cc' -o -name '*.h')

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if ! clang-format --dry-run --Werror "${files[@]}" 2>"$scratch/format"; then
  echo "check-style: these files differ from .clang-format (run clang-format -i on them):"
  grep -oE '^[^ :]+\.(cc|h):[0-9]+:[0-9]+: (warning|error)' "$scratch/format" | cut -d: -f1 |
    sort -u | sed 's/^/  /'
  status=1
fi

# core/ includes only core/; storage/ only core/ and storage/.
check_includes() {
  local dir=$1 allowed=$2 f
  for f in $(printf '%s\n' "${files[@]}" | grep "^$dir/"); do
    grep -n '^#include "' "$f" | grep -vE "#include \"($allowed)/" | while read -r line; do
      echo "check-style: $f:$line reaches outside $dir/ (allowed: $allowed)"
      echo x >>"$scratch/includes"
    done
  done
}
check_includes core 'core'
check_includes storage 'core|storage'

# A *_internal.h header is private to the folder it sits in.
for f in "${files[@]}"; do
  grep -o '#include "[^"]*_internal\.h"' "$f" | sed 's/#include "//; s/"$//' | while read -r inc; do
    if [ "$(dirname "$f")" != "$(dirname "$(git ls-files "*/$inc" "$inc" | head -1)")" ]; then
      echo "check-style: $f includes $inc, which is internal to another library"
      echo x >>"$scratch/includes"
    fi
  done
done
if [ -s "$scratch/includes" ]; then status=1; fi

[ $status -eq 0 ] && echo "check-style: ${#files[@]} files formatted, include boundaries kept"
exit $status
