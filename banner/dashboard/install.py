"""Installing: the tag, platform guides, the tag converter and the install check."""
