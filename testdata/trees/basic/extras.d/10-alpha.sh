# Records every call, and leaves a variable and a function behind in the
# source phase for later phases to use.
echo "10-alpha $# $*" >> "$RECORD"

if [[ "$1" == "source" ]]; then
    ALPHA_STATE=sourced
    function alpha_greeting {
        echo "hello from alpha"
    }
fi

if [[ "$1" == "stack" && "$2" == "install" ]]; then
    echo "10-alpha sees ALPHA_STATE=$ALPHA_STATE and '$(alpha_greeting)'" >> "$RECORD"
fi
