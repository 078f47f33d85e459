# let, read and printf -v refuse a readonly variable in bash's words, with
# status 1, and the script goes on.
readonly R=1
let R=4; echo "let: $?"
let x=1 R=5; echo "let, after another: $? x=$x"
read R <<< x; echo "read: $?"
read -a R <<< "x y"; echo "read -a: $?"
read Q R Z <<< "p q r"; echo "read, after another: $? Q=$Q Z=${Z-unset}"
readonly REPLY=r
read <<< x; echo "read REPLY: $?"
printf -v R %s x; echo "printf -v: $? R=$R"
