"""The banner editor: texts side by side, vendors, appearance, behaviour, policy and contact."""
