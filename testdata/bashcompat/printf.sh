# printf as bash's: quoting, times, integer and string formats, escapes,
# reused formats, missing arguments and errors.
printf '%q\n' "a b'c" 'tab	here' '' '~home' 'x=~y' '#c' 'a,b{c}' 'plain-word_1.2/3:4@5%6+7'
printf '[%s]\n' "$(printf '%q' $'new\nline')"
printf '%(%Y)T\n' 0
printf '%(%Y-%m-%d %H:%M:%S %z)T\n' 86399
[[ $(printf '%(%Y)T' -1) == $(date +%Y) ]] && echo "%(...)T -1 is now"
[[ $(printf '%(%Y)T') == $(date +%Y) ]] && echo "%(...)T without an argument is now"
printf '[%10(%H:%M)T] [%-8(%d)T] [%.2(%Y)T]\n' 0 0 0
printf '%(%a %b %e %j %u %w %y %C %D %F %T %R %r %%)T\n' 1000000000
printf '%()T\n' 0
printf '[%.2d] [%#x] [%#o] [%#X] [%5.3s] [%-5s|] [%05d] [%+d] [% d] [%x] [%o] [%u]\n' 3 255 8 255 abcdef ab 42 7 7 255 8 -1
printf '[%*d] [%-*d] [%.*s]\n' 5 42 5 42 2 abcdef
printf '[%c]\n' hello
printf '[%b]\n' 'tab\there' '\0101\x41\101' 'no\qescape'
printf '%b|stopped here\n' 'before\cafter'; echo
printf '%s-%s\n' a b c
printf '%s %d|\n' word
printf '%d %d %d\n' 0x1f 017 "'A"
printf '%.3f %e %g %G\n' 3.14159 1234.5 0.0001 1e20
printf '%5.1f|%-8.2f|\n' 2.25 -1.5
printf 'no args: %s%d%b|\n'
printf '%%literal\t\\ \101 \x42 \u00e9\n'
printf -v out '%s=%03d' key 7
echo "printf -v: $out"
arr=(x y)
printf -v 'arr[1]' '%s' elem
echo "printf -v into an element: ${arr[1]}"
printf '%d\n' abc
echo "status after a bad number: $?"
printf '%d\n' 12abc
printf '%z\n'
echo "status after a bad conversion: $?"
printf
echo "status without a format: $?"
printf -- '%s\n' "after --"
