"""Publishing the draft, and the versions with their differences."""
