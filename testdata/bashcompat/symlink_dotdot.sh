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
rm -rf "$d"
