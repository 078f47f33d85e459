package config

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

type mergeCase struct {
	name    string
	conf    string // local.conf
	phase   string
	file    string
	initial string
	missing bool // file does not exist before the merge
	env     map[string]string
	want    string
}

// Each case's want is the file DevStack's merge_config_file (inc/meta-config
// with gawk, over inc/ini-config) leaves for the same local.conf, phase, file
// and initial content; the cases of tests/test_meta_config.sh come first.
var devstackMerges = []mergeCase{
	{
		name:    "test1a new file",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test1",
		file:    "test1a.conf",
		missing: true,
		want:    "\n[default]\nlog_file = /etc/log.conf\nhandlers = do not disturb\n\n[aaa]\nhandlers = aa, bb\n",
	},
	{
		name:    "test1b new file",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test1",
		file:    "test1b.conf",
		missing: true,
		want:    "\n[bbb]\nhandlers = ee,ff\n",
	},
	{
		name:    "test1c exists",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test1",
		file:    "test1c.conf",
		initial: "[eee]\n# original comment\ntype=original\n",
		want:    "[eee]\nmulti = foo2\n# original comment\ntype=new\n",
	},
	{
		name:    "test2a exists",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test2",
		file:    "test2a.conf",
		initial: "[ddd]\n# original comment\ntype=original\n",
		want:    "[ddd]\nadditional = true\n# original comment\ntype=new\n",
	},
	{
		name:    "test2a new file",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test2",
		file:    "test2a.conf",
		missing: true,
		want:    "\n[ddd]\ntype = new\nadditional = true\n",
	},
	{
		name:    "multi sections",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test-multi-sections",
		file:    "test-multi-sections.conf",
		missing: true,
		want:    "\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item5 = 5555another\ncfg_item6 = 6666\n",
	},
	{
		name:    "multiline",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test-multiline",
		file:    "test-multiline.conf",
		missing: true,
		env:     map[string]string{"FOO_BAR_BAZ": "foo bar baz"},
		want:    "\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = foo bar baz\n",
	},
	{
		name:    "blank line with a space",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test3",
		file:    "test-space.conf",
		missing: true,
		want:    "\n[DEFAULT]\nattribute = value\n",
	},
	{
		name:    "variable in value",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test-env",
		file:    "test-env.conf",
		missing: true,
		env:     map[string]string{"FOO_BAR_BAZ": "foo bar baz"},
		want:    "\n[foo]\nfoo = foo bar baz\n",
	},
	{
		name:    "equals in value",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test5",
		file:    "test-equals.conf",
		missing: true,
		want:    "\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n",
	},
	{
		name:    "value stripped",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test6",
		file:    "test-strip.conf",
		missing: true,
		want:    "\n[DEFAULT]\nattr = strip_trailing_space\n",
	},
	{
		name:    "colon in value",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test7",
		file:    "test-colon.conf",
		missing: true,
		want:    "\n[DEFAULT]\nservers = 10.11.12.13:80\n",
	},
	{
		name:    "same file in several sections",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test11",
		file:    "test-same.conf",
		missing: true,
		want:    "\n[DEFAULT]\nfoo = bar\n\n[some]\nrandom = config\n\n[another]\nnon = sense\n",
	},
	{
		name:    "file not in phase",
		conf:    "[[test1|test1a.conf]]\n[default]\n# comment an option\n#log_file=./log.conf\nlog_file=/etc/log.conf\nhandlers=do not disturb\n\n[aaa]\n# the commented option should not change\n#handlers=cc,dd\nhandlers = aa, bb\n\n[[test1|test1b.conf]]\n[bbb]\nhandlers=ee,ff\n\n[[test2|test2a.conf]]\n[ddd]\n# new comment\ntype=new\nadditional=true\n\n[[test1|test1c.conf]]\n[eee]\ntype=new\nmulti = foo2\n\n[[test3|test-space.conf]]\n[DEFAULT]\nattribute=value\n \n# the above line has a single space\n\n[[test-env|test-env.conf]]\n[foo]\nfoo=${FOO_BAR_BAZ}\n\n[[test5|test-equals.conf]]\n[DEFAULT]\ndrivers = driver=python.import.path.Driver\n\n[[test6|test-strip.conf]]\n[DEFAULT]\n# next line has trailing space\nattr = strip_trailing_space \n\n[[test7|test-colon.conf]]\n[DEFAULT]\nservers=10.11.12.13:80\n\n[[test11|test-same.conf]]\n[DEFAULT]\nfoo=bar\n\n[[test11|test-same.conf]]\n[some]\nrandom=config\n\n[[test-multi-sections|test-multi-sections.conf]]\n[sec-1]\ncfg_item1 = abcd\ncfg_item2 = efgh\n\n[sec-2]\ncfg_item1 = abcd\ncfg_item3 = /1/2/3/4:5\ncfg_item4 = end\n\n[sec-3]\ncfg_item5 = 5555\ncfg_item6 = 6666\ncfg_item5 = 5555another\n\n[[test-multiline|test-multiline.conf]]\n[multi]\ncfg_item1 = ab:cd:ef:gh\ncfg_item1 = abcd\ncfg_item2 = efgh\ncfg_item2 = ${FOO_BAR_BAZ}\n\n[[test11|test-same.conf]]\n[another]\nnon = sense\n",
		phase:   "test2",
		file:    "other.conf",
		missing: true,
		want:    "",
	},
	{
		name:    "interleaved sections",
		conf:    "[[p|f.conf]]\n[a]\nx = 1\n[b]\ny = 1\n[a]\nz = 1\nx = 2\n",
		phase:   "p",
		file:    "f.conf",
		missing: true,
		want:    "\n[a]\nz = 1\nx = 1\nx = 2\n\n[b]\ny = 1\n",
	},
	{
		name:    "interleaved sections, existing file",
		conf:    "[[p|f.conf]]\n[a]\nx = 1\n[b]\ny = 1\n[a]\nz = 1\n",
		phase:   "p",
		file:    "f.conf",
		initial: "[a]\nold = 1\nz = 0\n[b]\n",
		want:    "[a]\nx = 1\nold = 1\nz = 1\n[b]\ny = 1\n",
	},
	{
		name:    "existing multi-line option",
		conf:    "[[p|f.conf]]\n[a]\nm = 1\nm = 2\n",
		phase:   "p",
		file:    "f.conf",
		initial: "[a]\nq = 0\nm = old1\nm = old2\n[b]\nm = b\n",
		want:    "[a]\nm = 1\nm = 2\nq = 0\n[b]\nm = b\n",
	},
	{
		name:    "option repeated across sections for one file",
		conf:    "[[p|f.conf]]\n[a]\nx = 1\n[[p|f.conf]]\n[a]\nx = 2\ny = 3\n",
		phase:   "p",
		file:    "f.conf",
		missing: true,
		want:    "\n[a]\nx = 1\nx = 2\ny = 3\n",
	},
	{
		name:    "values with blanks and tabs",
		conf:    "[[p|f.conf]]\n[a]\nx\t=\t a  b \t\nm = one  two\nm =  three   four \n",
		phase:   "p",
		file:    "f.conf",
		missing: true,
		want:    "\n[a]\nx = a b\nm = one  two\nm = three four\n",
	},
	{
		name:    "empty values",
		conf:    "[[p|f.conf]]\n[a]\nx =\nm =\nm = 2\n",
		phase:   "p",
		file:    "f.conf",
		missing: true,
		want:    "\n[a]\nx = \nm = \nm = 2\n",
	},
	{
		name:    "comments and blank lines",
		conf:    "[[p|f.conf]]\n# c\n\n[a]\n   # indented comment\nx = 1 # not a comment\n\n",
		phase:   "p",
		file:    "f.conf",
		missing: true,
		want:    "\n[a]\nx = 1 # not a comment\n",
	},
	{
		name:    "existing file without final newline",
		conf:    "[[p|f.conf]]\n[a]\nx = 1\n[b]\ny = 2\n",
		phase:   "p",
		file:    "f.conf",
		initial: "[a]\nx = 0",
		want:    "[a]\nx = 1\n[b]\ny = 2\n",
	},
	{
		name:    "empty section",
		conf:    "[[p|f.conf]]\n[a]\n",
		phase:   "p",
		file:    "f.conf",
		missing: true,
		want:    "",
	},
	{
		name:    "repeated section header in target",
		conf:    "[[p|f.conf]]\n[a]\nx = 1\n",
		phase:   "p",
		file:    "f.conf",
		initial: "[a]\ny = 1\n[b]\n[a]\nz = 1\n",
		want:    "[a]\nx = 1\ny = 1\n[b]\n[a]\nx = 1\nz = 1\n",
	},
	{
		name:    "section comment after header",
		conf:    "[[p|f.conf]] # the file\n[a] # section\nx = 1\n",
		phase:   "p",
		file:    "f.conf",
		missing: true,
		want:    "\n[a]\nx = 1\n",
	},
}

func TestMergeLikeDevStack(t *testing.T) {
	for _, c := range devstackMerges {
		t.Run(c.name, func(t *testing.T) {
			conf, err := Parse("local.conf", stringsReader(c.conf))
			if err != nil {
				t.Fatal(err)
			}
			opts, err := conf.FileOptions(c.phase, c.file)
			if err != nil {
				t.Fatal(err)
			}
			opts, err = ExpandOptions(opts, func(s string) (string, error) {
				return os.Expand(s, func(name string) string { return c.env[name] }), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), c.file)
			if !c.missing {
				if err := os.WriteFile(path, []byte(c.initial), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := Merge(path, opts); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != c.want {
				t.Errorf("file is\n%q\nwant\n%q", data, c.want)
			}
		})
	}
}

func TestMergeCombinesRepeatedOptions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.conf")
	opts := []Option{
		{Section: "a", Name: "x", Values: []string{"1"}},
		{Section: "a", Name: "y", Values: []string{"2"}},
		{Section: "a", Name: "x", Values: []string{"3"}},
	}
	if err := Merge(path, opts); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if want := "\n[a]\nx = 1\nx = 3\ny = 2\n"; string(data) != want {
		t.Errorf("file is %q, want %q", data, want)
	}
	if len(opts[0].Values) != 1 {
		t.Error("Merge changed its input")
	}
}

func TestMergeNoOptionsCreatesEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.conf")
	if err := Merge(path, nil); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(path); err != nil || len(data) != 0 {
		t.Errorf("file %q, %v; want an empty file", data, err)
	}
}

func TestMergeErrors(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "plain")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	opts := []Option{{Section: "a", Name: "x", Values: []string{"1"}}}
	tests := []struct {
		path string
		want string
	}{
		{filepath.Join(dir, "nodir", "f.conf"), "cannot merge into " + dir + "/nodir/f.conf: directory " + dir + "/nodir does not exist"},
		{filepath.Join(notDir, "f.conf"), "cannot merge into " + notDir + "/f.conf: " + notDir + " is not a directory"},
		{dir, "cannot merge into " + dir + ": it is a directory"},
	}
	for _, tt := range tests {
		if err := Merge(tt.path, opts); err == nil || err.Error() != tt.want {
			t.Errorf("Merge(%s): error %v, want %s", tt.path, err, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "nodir")); err == nil {
		t.Error("Merge created the missing directory")
	}
}

// BenchmarkMergeScaling merges 8k and then 32k options of one section into
// a new file and reports the ratio of the times: about 4 when the time is
// in proportion to the options (a little more, as larger tables cost more
// to grow), 16 when it grows with their square. A ratio over 10 fails.
func BenchmarkMergeScaling(b *testing.B) {
	options := func(n int) []Option {
		opts := make([]Option, n)
		for i := range opts {
			opts[i] = Option{Section: "DEFAULT", Name: fmt.Sprintf("option_%d", i), Values: []string{fmt.Sprintf("value %d", i)}}
		}
		return opts
	}
	small, large := options(8000), options(32000)
	dir := b.TempDir()
	var smallTime, largeTime time.Duration
	for i := 0; i < b.N; i++ {
		for _, run := range []struct {
			opts []Option
			took *time.Duration
		}{{small, &smallTime}, {large, &largeTime}} {
			path := filepath.Join(dir, fmt.Sprintf("merged-%d-%d.conf", len(run.opts), i))
			start := time.Now()
			if err := Merge(path, run.opts); err != nil {
				b.Fatal(err)
			}
			*run.took += time.Since(start)
		}
	}
	ratio := float64(largeTime) / float64(smallTime)
	b.ReportMetric(float64(smallTime.Microseconds())/float64(b.N)/1000, "ms-8k/op")
	b.ReportMetric(float64(largeTime.Microseconds())/float64(b.N)/1000, "ms-32k/op")
	b.ReportMetric(ratio, "ratio")
	if ratio > 10 {
		b.Fatalf("32k options take %.1f times as long as 8k (%s against %s): more than in proportion", ratio, largeTime, smallTime)
	}
}
