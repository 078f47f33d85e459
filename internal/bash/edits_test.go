package bash

import "testing"

func TestApplyEdits(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		edits []Edit
		want  string
	}{
		{"none", "echo a\n", nil, "echo a\n"},
		{"replace and insert, in any order", "aaa bbb ccc", []Edit{{Offset: 8, Remove: 3, Text: "Z"}, {Offset: 0, Remove: 3, Text: "X"}, {Offset: 4, Text: "+"}}, "X +bbb Z"},
		{"two inserts at one offset keep their order", "done", []Edit{{Offset: 0, Text: "a; "}, {Offset: 0, Text: "b; "}}, "a; b; done"},
		{"an insert and a replacement at one offset", "abcdef", []Edit{{Offset: 2, Text: "<"}, {Offset: 2, Remove: 2, Text: "X"}}, "ab<Xef"},
		{"an insert inside removed text follows the replacement", "abcdef", []Edit{{Offset: 1, Remove: 3, Text: "X"}, {Offset: 2, Text: "+"}}, "aX+ef"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(ApplyEdits([]byte(tt.src), tt.edits)); got != tt.want {
				t.Errorf("ApplyEdits = %q, want %q", got, tt.want)
			}
		})
	}
}
