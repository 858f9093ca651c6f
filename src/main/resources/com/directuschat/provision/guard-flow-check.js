// directus-chat guard flow, operation "check" (a Run Script). Runs in a blocking filter on every update and delete of
// messages and read_positions, and every create of read_positions. Throwing refuses the write (the flow answers 403
// FORBIDDEN with this message). Returns {read: false} when the write may go ahead, or {read: true, collection, query} when the rows
// it touches must first be read to check that they belong to the caller (the next operations do that).
module.exports = function (data) {
  var who = data.$accountability;
  if (!who || who.admin === true) return { read: false }; // Directus itself, or an administrator
  var user = who.user || null;
  var trigger = data.$trigger;
  var action = String(trigger.event).split('.').pop();
  // owner: the field naming the row's user; fixed: fields no one but Directus sets or changes.
  var rules = {
    messages: { owner: 'user_created', fixed: ['id', 'user_created', 'date_created', 'date_updated', 'user_updated'],
                frozen: ['room'] },
    read_positions: { owner: 'user', fixed: ['id', 'user', 'room'], frozen: [] }
  };
  var rule = rules[trigger.collection];
  if (!rule) return { read: false };
  var payload = trigger.payload || {};
  if (action === 'create') {
    // Message creates do not come here: field validation and Directus's specials cover them (ChatSchema).
    if (trigger.collection === 'read_positions') {
      if (!user || payload.user !== user || payload.id !== user + ':' + payload.room) {
        throw new Error('A read position can only be your own, keyed "<your user id>:<room id>".');
      }
    }
    return { read: false };
  }
  if (!user) throw new Error('Only its author can change or delete this.');
  if (action === 'update') refuseFields(payload, rule.fixed.concat(rule.frozen), 'not changed after creation');
  var keys = action === 'delete' ? payload : trigger.keys;
  if (!Array.isArray(keys) || keys.length === 0) return { read: false };
  var notMine = {};
  notMine[rule.owner] = { _neq: user };
  var noOwner = {};
  noOwner[rule.owner] = { _null: true };
  return {
    read: true,
    collection: trigger.collection,
    query: { filter: { _and: [{ id: { _in: keys } }, { _or: [notMine, noOwner] }] }, fields: ['id'], limit: 1 }
  };

  function refuseFields(item, names, why) {
    for (var i = 0; i < names.length; i++) {
      if (Object.prototype.hasOwnProperty.call(item, names[i])) throw new Error('"' + names[i] + '" is ' + why + '.');
    }
  }
};
