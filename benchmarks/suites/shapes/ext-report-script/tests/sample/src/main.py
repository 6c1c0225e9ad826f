from utils.text import shout

print(shout('hello'))
