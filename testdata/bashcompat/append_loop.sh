# Appending to a long value, many times, takes no longer than bash does
# (each append is traced by what follows the old value).
chunk=0123456789012345678901234567890123456789012345678901234567890123456789
long=
for (( i = 0; i < 1500; i++ )); do
    long+=$chunk
done
echo "${#long}"
set -x
long+=end
set +x
echo "${long: -3}"
