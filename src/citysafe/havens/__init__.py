"""Safe Havens: venues where a young or vulnerable person in distress can take refuge."""
