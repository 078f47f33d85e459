package bash

import "testing"

// hookText is an extras.d script of the shape plugins write.
const hookText = `# a plugin's hook
echo "demo $*" >> "$RECORD"
if [[ "$1" == "source" ]]; then
    DEMO_DIR=$DEST/demo
    function demo_configure {
        local conf=$DEMO_DIR/demo.conf
        echo "configure ${conf#$TOP_DIR/}" >> "$RECORD"
    }
elif [[ "$1" == "stack" && "$2" == "install" ]]; then
    if is_service_enabled demo; then
        echo "install ${DEMO_DIR#$TOP_DIR/}" >> "$RECORD"
    fi
elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
    demo_configure
elif [[ "$1" == "unstack" ]]; then
    :
fi
`

// BenchmarkParseHook is the parse, with the session's rewrites, of one
// hook script: the cost per hook of a run's up-front check.
func BenchmarkParseHook(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("demo.sh", "demo.sh", []byte(hookText)); err != nil {
			b.Fatal(err)
		}
	}
}
