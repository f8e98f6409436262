import t from 'tap'
import { redactCredentials } from '../../src/lib/redact-url.js'

t.test('redactCredentials masks a password whatever it holds', async (t) => {
  t.equal(redactCredentials('redis://:hunter2@cache:6379'), 'redis://***@cache:6379')
  t.equal(redactCredentials('postgres://u:p@h/d'), 'postgres://u:***@h/d')
  t.equal(redactCredentials('postgres://h/d'), 'postgres://h/d')
  t.equal(redactCredentials('postgres://nobody@127.0.0.1:1/x'), 'postgres://nobody@127.0.0.1:1/x', 'a lone user name is kept')
  t.equal(redactCredentials('postgres://u:p@ss@h/d'), 'postgres://u:***@h/d', 'a password holding @')
  t.equal(redactCredentials('postgres://u:p@ss/w#rd?x@h/d'), 'postgres://u:***', 'read two ways: nothing past the user')
  t.equal(redactCredentials('postgres://h/d?sslmode=require&password=hunter2'), 'postgres://h/d?sslmode=require&password=[redacted]')
  t.equal(redactCredentials('u:hunter2@h/d'), 'u:***@h/d', 'no scheme')
  t.notMatch(redactCredentials('postgres://nobody@h/d?password=a@hunter2'), /hunter2|password=a/)
  t.equal(redactCredentials('file:./data/store.db'), 'file:./data/store.db')
})
