package ini

// Each case's expectations are what DevStack's own inc/ini-config functions
// (GNU sed 4.9, bash 5.2) produce for the same initial file and steps;
// tests/test_ini_config.sh is replayed as the first case.
var devstackCases = []iniCase{
	{
		name:    "devstack test_ini_config sequence",
		initial: "[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[bbb]\nhandlers=ee,ff\n\n[ ccc ]\nspaces  =  yes\n\n[ddd]\nempty =\n\n[eee]\nmulti = foo1\nmulti = foo2\n\n[fff]\nampersand =\n\n[ggg]\nbackslash =\n\n[key_with_spaces]\nrgw special key = something\n\n# inidelete(a)\n[del_separate_options]\na=b\nb=c\n\n# inidelete(a)\n[del_same_option]\na=b\na=c\n\n# inidelete(a)\n[del_missing_option]\nb=c\n\n# inidelete(a)\n[del_missing_option_multi]\nb=c\nb=d\n\n# inidelete(a)\n[del_no_options]\n\n# inidelete(a)\n# no section - del_no_section\n\n",
		steps: []iniStep{
			{op: "Set", args: []string{"aaa", "", ""}},
			{op: "Set", args: []string{"", "", ""}},
			{op: "Get", args: []string{"aaa", "handlers"}, want: "aa, bb", found: true},
			{op: "Set", args: []string{"aaa", "handlers", "11, 22"}},
			{op: "Get", args: []string{"aaa", "handlers"}, want: "11, 22", found: true},
			{op: "Get", args: []string{" ccc ", "spaces"}, want: "yes", found: true},
			{op: "Set", args: []string{"b b", "opt_ion", "42"}},
			{op: "Get", args: []string{"b b", "opt_ion"}, want: "42", found: true},
			{op: "Get", args: []string{"bbb", "handlers"}, want: "ee,ff", found: true},
			{op: "Set", args: []string{"bbb", "handlers", "33,44"}},
			{op: "Get", args: []string{"bbb", "handlers"}, want: "33,44", found: true},
			{op: "Set", args: []string{"fff", "ampersand", "&y"}},
			{op: "Set", args: []string{"fff", "ampersand", "&y"}},
			{op: "Set", args: []string{"fff", "ampersand", "&y"}},
			{op: "Get", args: []string{"fff", "ampersand"}, want: "&y", found: true},
			{op: "Set", args: []string{"ggg", "backslash", "foo\\bar"}},
			{op: "Get", args: []string{"ggg", "backslash"}, want: "foo\\bar", found: true},
			{op: "Set", args: []string{"ggg", "backslash", "foo\\bar&baz"}},
			{op: "Get", args: []string{"ggg", "backslash"}, want: "foo\\bar&baz", found: true},
			{op: "Has", args: []string{"ddd", "empty"}, found: true},
			{op: "Has", args: []string{"bbb", "handlers"}, found: true},
			{op: "Set", args: []string{"ddd", "empty", "42"}},
			{op: "Get", args: []string{"ddd", "empty"}, want: "42", found: true},
			{op: "Set", args: []string{"aaa", "handlers", "a|b"}},
			{op: "Get", args: []string{"aaa", "handlers"}, want: "a|b", found: true},
			{op: "Get", args: []string{"zzz", "handlers"}, want: ""},
			{op: "Get", args: []string{"aaa", "debug"}, want: ""},
			{op: "Has", args: []string{"aaa", "debug"}, found: false},
			{op: "Comment", args: []string{"aaa", "handlers"}},
			{op: "Get", args: []string{"aaa", "handlers"}, want: ""},
			{op: "SetMultiline", args: []string{"eee", "multi", "bar1", "bar2"}},
			{op: "GetMultiline", args: []string{"eee", "multi"}, want: "bar1 bar2"},
			{op: "Add", args: []string{"eee", "multi", "bar3"}},
			{op: "GetMultiline", args: []string{"eee", "multi"}, want: "bar1 bar2 bar3"},
			{op: "Add", args: []string{"eee", "non-multi", "foobar1", "foobar2"}},
			{op: "GetMultiline", args: []string{"eee", "non-multi"}, want: "foobar1 foobar2"},
			{op: "Delete", args: []string{"del_separate_options", "a"}},
			{op: "GetMultiline", args: []string{"del_separate_options", "a"}, want: ""},
			{op: "GetMultiline", args: []string{"del_separate_options", "b"}, want: "c"},
			{op: "Delete", args: []string{"del_same_option", "a"}},
			{op: "GetMultiline", args: []string{"del_same_option", "a"}, want: ""},
			{op: "Delete", args: []string{"del_missing_option", "a"}},
			{op: "GetMultiline", args: []string{"del_missing_option", "a"}, want: ""},
			{op: "GetMultiline", args: []string{"del_missing_option", "b"}, want: "c"},
			{op: "Delete", args: []string{"del_missing_option_multi", "a"}},
			{op: "GetMultiline", args: []string{"del_missing_option_multi", "a"}, want: ""},
			{op: "GetMultiline", args: []string{"del_missing_option_multi", "b"}, want: "c d"},
			{op: "Delete", args: []string{"del_no_options", "a"}},
			{op: "GetMultiline", args: []string{"del_no_options", "a"}, want: ""},
			{op: "Delete", args: []string{"del_no_section", "a"}},
			{op: "GetMultiline", args: []string{"del_no_section", "a"}, want: ""},
			{op: "Set", args: []string{"key_with_spaces", "rgw another key", "somethingelse"}},
			{op: "Get", args: []string{"key_with_spaces", "rgw another key"}, want: "somethingelse", found: true},
			{op: "Set", args: []string{"key_with_spaces", "rgw special key", "newvalue"}},
			{op: "Get", args: []string{"key_with_spaces", "rgw special key"}, want: "newvalue", found: true},
			{op: "Delete", args: []string{"key_with_spaces", "rgw another key"}},
			{op: "Get", args: []string{"key_with_spaces", "rgw another key"}, want: ""},
		},
		final: "[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\n#handlers = a|b\n\n[bbb]\nhandlers=33,44\n\n[ ccc ]\nspaces  =  yes\n\n[ddd]\nempty =42\n\n[eee]\nnon-multi = foobar1\nnon-multi = foobar2\nmulti = bar1\nmulti = bar2\nmulti = bar3\n\n[fff]\nampersand =&y\n\n[ggg]\nbackslash =foo\\bar&baz\n\n[key_with_spaces]\nrgw special key = newvalue\n\n# inidelete(a)\n[del_separate_options]\nb=c\n\n# inidelete(a)\n[del_same_option]\n\n# inidelete(a)\n[del_missing_option]\nb=c\n\n# inidelete(a)\n[del_missing_option_multi]\nb=c\nb=d\n\n# inidelete(a)\n[del_no_options]\n\n# inidelete(a)\n# no section - del_no_section\n\n\n[b b]\nopt_ion = 42\n",
	},
	{
		name:    "set creates missing file",
		missing: true,
		steps: []iniStep{
			{op: "Set", args: []string{"test", "foo", "bar"}},
			{op: "Get", args: []string{"test", "foo"}, want: "bar", found: true},
		},
		final: "\n[test]\nfoo = bar\n",
	},
	{
		name:    "set with empty option does not create file",
		missing: true,
		steps: []iniStep{
			{op: "Set", args: []string{"test", "", "bar"}},
		},
		finalMissing: true,
	},
	{
		name:    "set with empty section does not create file",
		missing: true,
		steps: []iniStep{
			{op: "Set", args: []string{"", "foo", "bar"}},
		},
		finalMissing: true,
	},
	{
		name:    "set into empty file",
		initial: "",
		steps: []iniStep{
			{op: "Set", args: []string{"a", "x", "1"}},
		},
		final: "\n[a]\nx = 1\n",
	},
	{
		name:    "set new section, file without final newline",
		initial: "[a]\nx=1",
		steps: []iniStep{
			{op: "Set", args: []string{"b", "y", "2"}},
		},
		final: "[a]\nx=1\n[b]\ny = 2\n",
	},
	{
		name:    "set new option, file without final newline",
		initial: "[a]",
		steps: []iniStep{
			{op: "Set", args: []string{"a", "x", "2"}},
		},
		final: "[a]\nx = 2\n",
	},
	{
		name:    "set replace, last line without newline",
		initial: "[a]\nx=1",
		steps: []iniStep{
			{op: "Set", args: []string{"a", "x", "2"}},
		},
		final: "[a]\nx=2",
	},
	{
		name:    "set keeps spacing around equals",
		initial: "[a]\nx  =   1\ny\t=\t1\n",
		steps: []iniStep{
			{op: "Set", args: []string{"a", "x", "2"}},
			{op: "Set", args: []string{"a", "y", "3"}},
		},
		final: "[a]\nx  =   2\ny\t=\t3\n",
	},
	{
		name:    "set squeezes blanks in value",
		initial: "[a]\n",
		steps: []iniStep{
			{op: "Set", args: []string{"a", "x", "  v \t w\nz  "}},
			{op: "Get", args: []string{"a", "x"}, want: "v w z", found: true},
		},
		final: "[a]\nx = v w z\n",
	},
	{
		name:    "set empty value",
		initial: "[a]\nx = 1\n",
		steps: []iniStep{
			{op: "Set", args: []string{"a", "x", ""}},
			{op: "Get", args: []string{"a", "x"}, want: "", found: true},
			{op: "Set", args: []string{"a", "y", ""}},
			{op: "Has", args: []string{"a", "y"}, found: true},
		},
		final: "[a]\ny = \nx = \n",
	},
	{
		name:    "set special characters",
		initial: "[a]\n",
		steps: []iniStep{
			{op: "Set", args: []string{"a", "amp", "a&b\\c\\\\d"}},
			{op: "Set", args: []string{"a", "amp", "&&\\&"}},
			{op: "Set", args: []string{"a", "pipe", "x|y/z#w"}},
			{op: "Set", args: []string{"a", "dollar", "$HOME 'q' \"dq\""}},
			{op: "Get", args: []string{"a", "amp"}, want: "&&\\&", found: true},
			{op: "Get", args: []string{"a", "pipe"}, want: "x|y/z#w", found: true},
			{op: "Get", args: []string{"a", "dollar"}, want: "$HOME 'q' \"dq\"", found: true},
		},
		final: "[a]\ndollar = $HOME 'q' \"dq\"\npipe = x|y/z#w\namp = &&\\&\n",
	},
	{
		name:    "set replaces every line of the option",
		initial: "[a]\nx = 1\ny = 2\nx = 3\n[b]\nx = 4\n",
		steps: []iniStep{
			{op: "Set", args: []string{"a", "x", "9"}},
		},
		final: "[a]\nx = 9\ny = 2\nx = 9\n[b]\nx = 4\n",
	},
	{
		name:    "set ignores indented and commented lines",
		initial: "[a]\n  x = 1\n#x = 2\nxx = 3\nx_y = 4\n",
		steps: []iniStep{
			{op: "Has", args: []string{"a", "x"}, found: false},
			{op: "Set", args: []string{"a", "x", "9"}},
		},
		final: "[a]\nx = 9\n  x = 1\n#x = 2\nxx = 3\nx_y = 4\n",
	},
	{
		name:    "set in repeated sections",
		initial: "[a]\ny = 1\n[b]\nz = 1\n[a]\nw = 1\n",
		steps: []iniStep{
			{op: "Set", args: []string{"a", "x", "1"}},
			{op: "Set", args: []string{"a", "x", "2"}},
		},
		final: "[a]\nx = 2\ny = 1\n[b]\nz = 1\n[a]\nx = 2\nw = 1\n",
	},
	{
		name:    "set in repeated section with existing option",
		initial: "[a]\ny = 1\n[b]\nz = 1\n[a]\nx = 0\n",
		steps: []iniStep{
			{op: "Has", args: []string{"a", "x"}, found: true},
			{op: "Set", args: []string{"a", "x", "2"}},
		},
		final: "[a]\ny = 1\n[b]\nz = 1\n[a]\nx = 2\n",
	},
	{
		name:    "adjacent repeated header closes the section",
		initial: "[a]\ny = 1\n[a]\nx = 0\n",
		steps: []iniStep{
			{op: "Has", args: []string{"a", "x"}, found: false},
			{op: "Get", args: []string{"a", "x"}, want: ""},
			{op: "Set", args: []string{"a", "x", "2"}},
		},
		final: "[a]\nx = 2\ny = 1\n[a]\nx = 2\nx = 0\n",
	},
	{
		name:    "empty repeated header",
		initial: "[a]\n[a]\nx = 0\n[b]\n[a]\nx = 1\n",
		steps: []iniStep{
			{op: "Get", args: []string{"a", "x"}, want: "1", found: true},
			{op: "Delete", args: []string{"a", "x"}},
		},
		final: "[a]\n[a]\nx = 0\n[b]\n[a]\n",
	},
	{
		name:    "header with trailing text",
		initial: "[a] # first\nx = 1\n[b]extra\ny = 1\n",
		steps: []iniStep{
			{op: "Get", args: []string{"a", "x"}, want: "1", found: true},
			{op: "Get", args: []string{"b", "y"}, want: "1", found: true},
			{op: "Set", args: []string{"a", "z", "2"}},
			{op: "Has", args: []string{"b]extra", "y"}, found: false},
		},
		final: "[a] # first\nz = 2\nx = 1\n[b]extra\ny = 1\n",
	},
	{
		name:    "section name is not a prefix match",
		initial: "[ab]\nx = 1\n",
		steps: []iniStep{
			{op: "Has", args: []string{"a", "x"}, found: false},
			{op: "Set", args: []string{"a", "x", "2"}},
		},
		final: "[ab]\nx = 1\n\n[a]\nx = 2\n",
	},
	{
		name:    "section ends on any bracketed line",
		initial: "[a]\nx = 1\n[not a section\n[x]y\nx = 2\n",
		steps: []iniStep{
			{op: "Get", args: []string{"a", "x"}, want: "1", found: true},
			{op: "GetMultiline", args: []string{"a", "x"}, want: "1"},
			{op: "Delete", args: []string{"a", "x"}},
		},
		final: "[a]\n[not a section\n[x]y\nx = 2\n",
	},
	{
		name:    "section with spaces",
		initial: "[ ccc ]\nspaces  =  yes\n",
		steps: []iniStep{
			{op: "Get", args: []string{" ccc ", "spaces"}, want: "yes", found: true},
			{op: "Get", args: []string{"ccc", "spaces"}, want: ""},
		},
		final: "[ ccc ]\nspaces  =  yes\n",
	},
	{
		name:    "get value with equals",
		initial: "[a]\nx = k=v=w\n",
		steps: []iniStep{
			{op: "Get", args: []string{"a", "x"}, want: "k=v=w", found: true},
		},
		final: "[a]\nx = k=v=w\n",
	},
	{
		name:    "get empty value",
		initial: "[a]\nx =\ny=   \n",
		steps: []iniStep{
			{op: "Get", args: []string{"a", "x"}, want: "", found: true},
			{op: "Get", args: []string{"a", "y"}, want: "", found: true},
			{op: "Has", args: []string{"a", "x"}, found: true},
		},
		final: "[a]\nx =\ny=   \n",
	},
	{
		name:    "get squeezes blanks",
		initial: "[a]\nx =   a   b\t\tc   \n",
		steps: []iniStep{
			{op: "Get", args: []string{"a", "x"}, want: "a b c", found: true},
		},
		final: "[a]\nx =   a   b\t\tc   \n",
	},
	{
		name:    "get with repeated option",
		initial: "[a]\nx = 1\nx = 2\n",
		steps: []iniStep{
			{op: "Get", args: []string{"a", "x"}, want: "1 x = 2", found: true},
			{op: "GetMultiline", args: []string{"a", "x"}, want: "1 2"},
		},
		final: "[a]\nx = 1\nx = 2\n",
	},
	{
		name:    "get with repeated option, first empty",
		initial: "[a]\nx =\nx = 2\n",
		steps: []iniStep{
			{op: "Get", args: []string{"a", "x"}, want: "x = 2", found: true},
		},
		final: "[a]\nx =\nx = 2\n",
	},
	{
		name:    "get from missing file",
		missing: true,
		steps: []iniStep{
			{op: "Get", args: []string{"a", "x"}, want: ""},
			{op: "GetMultiline", args: []string{"a", "x"}, want: ""},
			{op: "Has", args: []string{"a", "x"}, found: false},
		},
		finalMissing: true,
	},
	{
		name:    "get multiline splits words",
		initial: "[a]\nx = a b\nx =\nx=\tc  \n",
		steps: []iniStep{
			{op: "GetMultiline", args: []string{"a", "x"}, want: "a b c"},
		},
		final: "[a]\nx = a b\nx =\nx=\tc  \n",
	},
	{
		name:    "option in another section",
		initial: "[a]\ny = 1\n[b]\nx = 1\n",
		steps: []iniStep{
			{op: "Get", args: []string{"a", "x"}, want: ""},
			{op: "Has", args: []string{"a", "x"}, found: false},
			{op: "Get", args: []string{"b", "x"}, want: "1", found: true},
		},
		final: "[a]\ny = 1\n[b]\nx = 1\n",
	},
	{
		name:    "comment",
		initial: "[a]\nx = 1\nx=2\n#x = 3\nxy = 4\n  x = 5\n[b]\nx = 6\n",
		steps: []iniStep{
			{op: "Comment", args: []string{"a", "x"}},
		},
		final: "[a]\n#x = 1\n#x=2\n#x = 3\nxy = 4\n  x = 5\n[b]\nx = 6\n",
	},
	{
		name:    "comment last line without newline",
		initial: "[a]\nx = 1",
		steps: []iniStep{
			{op: "Comment", args: []string{"a", "x"}},
		},
		final: "[a]\n#x = 1",
	},
	{
		name:    "comment missing file",
		missing: true,
		steps: []iniStep{
			{op: "Comment", args: []string{"a", "x"}, err: true},
		},
		finalMissing: true,
	},
	{
		name:    "comment absent option leaves file",
		initial: "[a]\ny = 1\n",
		steps: []iniStep{
			{op: "Comment", args: []string{"a", "x"}},
		},
		final: "[a]\ny = 1\n",
	},
	{
		name:    "uncomment",
		initial: "[a]\n#x=1\n# x = 2\n  #x=3\n##x=4\nw#x=5\ny = 1 #x=6\n#xy=7\n#\tx\t=8\n#  x\n# y = 9\n[b]\n#x=10\n",
		steps: []iniStep{
			{op: "Uncomment", args: []string{"a", "x"}},
		},
		final: "[a]\nx=1\nx = 2\n  x=3\nx=4\nx=5\ny = 1 x=6\n#xy=7\nx\t=8\n#  x\n# y = 9\n[b]\n#x=10\n",
	},
	{
		name:    "uncomment after multiple hashes in a word",
		initial: "[a]\na#b#x=1\n#x#y=2\n",
		steps: []iniStep{
			{op: "Uncomment", args: []string{"a", "x"}},
		},
		final: "[a]\nx=1\n#x#y=2\n",
	},
	{
		name:    "uncomment round trip",
		initial: "[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\n",
		steps: []iniStep{
			{op: "Comment", args: []string{"default", "log_file"}},
			{op: "Uncomment", args: []string{"default", "log_file"}},
		},
		final: "[default]\n# comment an option\nlog_file=./log.conf\nlog_file=/etc/log.conf\n",
	},
	{
		name:    "uncomment missing file",
		missing: true,
		steps: []iniStep{
			{op: "Uncomment", args: []string{"a", "x"}, err: true},
		},
		finalMissing: true,
	},
	{
		name:    "delete",
		initial: "[a]\nx = 1\ny = 2\nx=3\n#x = 4\n[b]\nx = 5\n",
		steps: []iniStep{
			{op: "Delete", args: []string{"a", "x"}},
		},
		final: "[a]\ny = 2\n#x = 4\n[b]\nx = 5\n",
	},
	{
		name:    "delete last line without newline",
		initial: "[a]\ny = 2\nx = 1",
		steps: []iniStep{
			{op: "Delete", args: []string{"a", "x"}},
		},
		final: "[a]\ny = 2\n",
	},
	{
		name:    "delete empty arguments",
		initial: "[a]\nx = 1\n",
		steps: []iniStep{
			{op: "Delete", args: []string{"", "x"}},
			{op: "Delete", args: []string{"a", ""}},
		},
		final: "[a]\nx = 1\n",
	},
	{
		name:    "delete missing file",
		missing: true,
		steps: []iniStep{
			{op: "Delete", args: []string{"a", "x"}, err: true},
		},
		finalMissing: true,
	},
	{
		name:    "delete empty arguments missing file",
		missing: true,
		steps: []iniStep{
			{op: "Delete", args: []string{"a", ""}},
		},
		finalMissing: true,
	},
	{
		name:    "add literal",
		initial: "[a]\nx = 1\n[b]\n",
		steps: []iniStep{
			{op: "AddLiteral", args: []string{"a", "x", "two  words"}},
			{op: "AddLiteral", args: []string{"a", "x", "  lead"}},
			{op: "AddLiteral", args: []string{"b", "y", ""}},
		},
		final: "[a]\nx =   lead\nx = two  words\nx = 1\n[b]\ny = \n",
	},
	{
		name:    "add literal to repeated sections",
		initial: "[a]\n[b]\n[a]\n",
		steps: []iniStep{
			{op: "AddLiteral", args: []string{"a", "x", "1"}},
		},
		final: "[a]\nx = 1\n[b]\n[a]\nx = 1\n",
	},
	{
		name:    "add literal absent section",
		initial: "[a]\n",
		steps: []iniStep{
			{op: "AddLiteral", args: []string{"b", "x", "1"}},
		},
		final: "[a]\n",
	},
	{
		name:    "add literal after last line without newline",
		initial: "[a]",
		steps: []iniStep{
			{op: "AddLiteral", args: []string{"a", "x", "1"}},
		},
		final: "[a]\nx = 1\n",
	},
	{
		name:    "add literal empty arguments",
		initial: "[a]\n",
		steps: []iniStep{
			{op: "AddLiteral", args: []string{"", "x", "1"}},
			{op: "AddLiteral", args: []string{"a", "", "1"}},
		},
		final: "[a]\n",
	},
	{
		name:    "add literal missing file",
		missing: true,
		steps: []iniStep{
			{op: "AddLiteral", args: []string{"a", "x", "1"}, err: true},
		},
		finalMissing: true,
	},
	{
		name:    "set multiline missing file",
		missing: true,
		steps: []iniStep{
			{op: "SetMultiline", args: []string{"a", "x", "1", "2", "3"}},
		},
		final: "\n[a]\nx = 1\nx = 2\nx = 3\n",
	},
	{
		name:    "set multiline existing",
		initial: "[a]\ny = 0\nx = old\nz = 0\nx = old2\n[b]\nx = b\n",
		steps: []iniStep{
			{op: "SetMultiline", args: []string{"a", "x", "1", "2"}},
		},
		final: "[a]\nx = 1\nx = 2\ny = 0\nz = 0\n[b]\nx = b\n",
	},
	{
		name:    "set multiline splits words",
		initial: "[a]\n",
		steps: []iniStep{
			{op: "SetMultiline", args: []string{"a", "x", "p q", "", " r\ts "}},
		},
		final: "[a]\nx = p\nx = q\nx = r\nx = s\n",
	},
	{
		name:    "set multiline no values",
		initial: "[a]\nx = 1\ny = 2\n",
		steps: []iniStep{
			{op: "SetMultiline", args: []string{"a", "x"}},
		},
		final: "[a]\ny = 2\n",
	},
	{
		name:    "set multiline new section",
		initial: "[a]\nx = 1\n",
		steps: []iniStep{
			{op: "SetMultiline", args: []string{"b", "x", "1", "2"}},
		},
		final: "[a]\nx = 1\n\n[b]\nx = 1\nx = 2\n",
	},
	{
		name:    "set multiline new section without final newline",
		initial: "[a]\nx = 1",
		steps: []iniStep{
			{op: "SetMultiline", args: []string{"b", "x", "1"}},
		},
		final: "[a]\nx = 1\n[b]\nx = 1\n",
	},
	{
		name:    "set multiline repeated sections",
		initial: "[a]\nx = 0\n[b]\n[a]\n",
		steps: []iniStep{
			{op: "SetMultiline", args: []string{"a", "x", "1", "2"}},
		},
		final: "[a]\nx = 1\nx = 2\n[b]\n[a]\nx = 1\nx = 2\n",
	},
	{
		name:    "add keeps existing and duplicates",
		initial: "[a]\nx = 1\ny = 0\nx = 2\n",
		steps: []iniStep{
			{op: "Add", args: []string{"a", "x", "2", "3"}},
			{op: "GetMultiline", args: []string{"a", "x"}, want: "1 2 2 3"},
		},
		final: "[a]\nx = 1\nx = 2\nx = 2\nx = 3\ny = 0\n",
	},
	{
		name:    "add splits existing values",
		initial: "[a]\nx = one two\n",
		steps: []iniStep{
			{op: "Add", args: []string{"a", "x", "three"}},
		},
		final: "[a]\nx = one\nx = two\nx = three\n",
	},
	{
		name:    "add missing file",
		missing: true,
		steps: []iniStep{
			{op: "Add", args: []string{"a", "x", "1", "2"}},
		},
		final: "\n[a]\nx = 1\nx = 2\n",
	},
	{
		name:    "add new option",
		initial: "[a]\ny = 1\n",
		steps: []iniStep{
			{op: "Add", args: []string{"a", "x", "1"}},
		},
		final: "[a]\nx = 1\ny = 1\n",
	},
	{
		name:    "crlf lines",
		initial: "[a]\r\nx = 1\r\n",
		steps: []iniStep{
			{op: "Get", args: []string{"a", "x"}, want: "1\r", found: true},
			{op: "Set", args: []string{"a", "y", "2"}},
		},
		final: "[a]\r\ny = 2\nx = 1\r\n",
	},
}
