package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// NewCmdVersion builds `devstack version`.
func NewCmdVersion(deps Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(deps.Stdout, "devstack %s\n", deps.Version)
			return err
		},
	}
}
