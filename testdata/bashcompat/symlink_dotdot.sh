# A ".." after a symbolic link in a redirection is resolved by the kernel,
# out of the link's target, as bash opens it; cd stays logical.
d=$(mktemp -d)
mkdir -p "$d/a/b"
ln -s "$d/a/b" "$d/l"
echo hi > "$d/l/../f"
ls "$d/a"
ls "$d"
cat "$d/l/../f"
cat < "$d/l/../f"
echo more >> "$d/l/../f"
cat "$d/a/f"
cd "$d/l/.." && ls
cd /
rm -rf "$d"
# File tests resolve it the same way, in [[ ]], [ and test.
d=$(mktemp -d)
mkdir -p "$d/a/b"
ln -s "$d/a/b" "$d/l"
echo hi > "$d/a/f"
for p in "$d/l/../f" "$d/f" "$d/l" "$d/nope"; do
    r=""
    [[ -e $p ]] && r+=e; [[ -f $p ]] && r+=f; [[ -d $p ]] && r+=d; [[ -s $p ]] && r+=s
    [[ -L $p ]] && r+=L; [[ -r $p ]] && r+=r; [[ ! -f $p ]] && r+=N
    [ -f "$p" ] && r+=F; test -e "$p" && r+=E
    echo "${p#"$d"} $r"
done
set -e
[[ ! -d $d/l/.. ]] || echo "a failed negated test is a failure"
rm -rf "$d"
