/* placeholder: filled by the snippet issue */
