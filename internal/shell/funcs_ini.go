package shell

import (
	"context"
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/interp"

	"devstack/internal/ini"
)

// iniOp is one of DevStack's ini functions, given FILE SECTION OPTION
// and the rest of its arguments; it writes what the function prints.
type iniOp func(hc interp.HandlerContext, file, section, option string, rest []string) error

// iniFunc adapts an iniOp to a library function with DevStack's argument
// handling: an optional -sudo first (the tool writes as itself: root needs
// no sudo, and a file a user cannot write is reported as an error), paths
// relative to the shell's directory, and too few arguments a no-op as
// DevStack's functions treat an empty section or option.
func iniFunc(op iniOp) libraryFunc {
	return func(ctx context.Context, args []string) error {
		hc := interp.HandlerCtx(ctx)
		if len(args) > 0 && args[0] == "-sudo" {
			args = args[1:]
		}
		for len(args) < 3 {
			args = append(args, "")
		}
		file := absolute(hc.Dir, args[0])
		err := op(hc, file, args[1], args[2], args[3:])
		if err == nil {
			return nil
		}
		if _, isStatus := err.(interp.ExitStatus); isStatus {
			return err
		}
		fmt.Fprintln(hc.Stderr, err)
		return interp.ExitStatus(1)
	}
}

func iniSet(hc interp.HandlerContext, file, section, option string, rest []string) error {
	if section == "" || option == "" {
		return nil
	}
	return ini.Set(file, section, option, strings.Join(rest, " "))
}

func iniGet(hc interp.HandlerContext, file, section, option string, rest []string) error {
	value, found, err := ini.Get(file, section, option)
	if err != nil {
		return err
	}
	if found {
		fmt.Fprintln(hc.Stdout, value)
	} else {
		fmt.Fprintln(hc.Stdout)
	}
	return nil
}

func iniGetMultiline(hc interp.HandlerContext, file, section, option string, rest []string) error {
	values, err := ini.GetMultiline(file, section, option)
	if err != nil {
		return err
	}
	fmt.Fprintln(hc.Stdout, strings.Join(values, " "))
	return nil
}

func iniHasOption(hc interp.HandlerContext, file, section, option string, rest []string) error {
	has, err := ini.Has(file, section, option)
	if err != nil {
		return err
	}
	return status(has)
}

func iniComment(hc interp.HandlerContext, file, section, option string, rest []string) error {
	return ini.Comment(file, section, option)
}

func iniUncomment(hc interp.HandlerContext, file, section, option string, rest []string) error {
	return ini.Uncomment(file, section, option)
}

func iniAdd(hc interp.HandlerContext, file, section, option string, rest []string) error {
	return ini.Add(file, section, option, rest...)
}

func iniAddLiteral(hc interp.HandlerContext, file, section, option string, rest []string) error {
	if section == "" || option == "" {
		return nil
	}
	return ini.AddLiteral(file, section, option, strings.Join(rest, " "))
}

func iniDelete(hc interp.HandlerContext, file, section, option string, rest []string) error {
	return ini.Delete(file, section, option)
}

func iniSetMultiline(hc interp.HandlerContext, file, section, option string, rest []string) error {
	return ini.SetMultiline(file, section, option, rest...)
}
