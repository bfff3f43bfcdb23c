"""Desktop dialogs (Qt widgets): the top layer beside the Processing provider. Dialogs only fill parameters and
show results; they may import everything below them (plugin.dependencies, the engine, models) and nothing imports
them except plugin.main.
"""
